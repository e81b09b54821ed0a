package org.telenc.engine.teamroutes;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.SimpleBeanDefinitionRegistry;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.stereotype.Component;

/**
 * The engine's beans and properties as the class path has them, without starting anything: the
 * components under {@code org.telenc.engine} by their bean names, with the {@code @Bean} methods
 * of those classes, and the properties of {@code application.yml} over the environment. What the
 * check command resolves bean references and placeholders against (a running engine adds its own).
 */
final class EngineBeans {

    static final String PACKAGE = "org.telenc.engine";
    private static final Map<ClassLoader, EngineBeans> SCANNED = new ConcurrentHashMap<>();

    private final Map<String, Class<?>> byName;

    private EngineBeans(Map<String, Class<?>> byName) {
        this.byName = byName;
    }

    /** The scan of {@code classLoader}'s engine classes, done once and only when a bean is first asked for. */
    static Function<String, Class<?>> lazy(ClassLoader classLoader) {
        return name -> SCANNED.computeIfAbsent(classLoader, EngineBeans::scan).byName.get(name);
    }

    private static EngineBeans scan(ClassLoader classLoader) {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.setResourceLoader(new DefaultResourceLoader(classLoader));
        scanner.addIncludeFilter(new AnnotationTypeFilter(Component.class));
        SimpleBeanDefinitionRegistry registry = new SimpleBeanDefinitionRegistry();
        Map<String, Class<?>> found = new LinkedHashMap<>();
        for (BeanDefinition definition : scanner.findCandidateComponents(PACKAGE)) {
            Class<?> type;
            try {
                type = Class.forName(definition.getBeanClassName(), false, classLoader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            String name = definition instanceof AnnotatedBeanDefinition
                    ? AnnotationBeanNameGenerator.INSTANCE.generateBeanName(definition, registry)
                    : type.getSimpleName();
            found.put(name, type);
            for (Method method : type.getDeclaredMethods()) {
                Bean bean = method.getAnnotation(Bean.class);
                if (bean != null) {
                    String[] names = bean.name().length > 0 ? bean.name() : bean.value();
                    found.put(names.length > 0 ? names[0] : method.getName(), method.getReturnType());
                }
            }
        }
        return new EngineBeans(Map.copyOf(found));
    }

    /** The beans a route file declares ({@code - beans: [{name, type}]}), by name; a type that does not load is left out. */
    static Map<String, Class<?>> declaredIn(JsonNode tree, ClassLoader classLoader) {
        Map<String, Class<?>> declared = new LinkedHashMap<>();
        if (tree == null || !tree.isArray()) {
            return declared;
        }
        for (JsonNode item : tree) {
            for (JsonNode bean : item.path("beans")) {
                String name = bean.path("name").asText("");
                String type = bean.path("type").asText("").replaceFirst("^#class:", "").replaceFirst("^#type:", "");
                if (name.isEmpty()) {
                    continue;
                }
                try {
                    declared.put(name, Class.forName(type, false, classLoader));
                } catch (ClassNotFoundException | LinkageError e) {
                    declared.put(name, Object.class); // exists; the schema or Camel says what is wrong with its type
                }
            }
        }
        return declared;
    }

    /** Whether a property has a value: the environment (variables, system properties) over the engine's application.yml. */
    static Predicate<String> properties(ClassLoader classLoader) {
        StandardEnvironment environment = new StandardEnvironment();
        Resource yml = new ClassPathResource("application.yml", classLoader);
        if (yml.exists()) {
            try {
                new YamlPropertySourceLoader().load("application.yml", yml).forEach(environment.getPropertySources()::addLast);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read application.yml", e);
            }
        }
        return key -> environment.containsProperty(key);
    }
}
