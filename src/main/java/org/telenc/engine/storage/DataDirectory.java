package org.telenc.engine.storage;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The data directory ({@code engine.data-dir}: H2, the embedded broker's KahaDB and scheduler
 * store, the generated {@code secrets.key}) is the owner's alone: the directory and every directory
 * under it 0700, every file 0600. It is made so before any other bean exists (a bean factory post
 * processor runs before the database, the broker and the secrets box create their files), existing
 * ones are fixed then, and what the database and the broker create later (new journal files, H2's
 * temporary files) is fixed as it appears: a watch on the tree, and a sweep once the engine is
 * ready. On a file system without POSIX permissions this is skipped, with one warning.
 */
@Configuration(proxyBeanMethods = false)
public class DataDirectory {

    private static final Logger log = LoggerFactory.getLogger(DataDirectory.class);
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    /** Before any bean: the data directory exists and is owner-only, with everything in it. */
    @Bean
    static BeanFactoryPostProcessor ownerOnlyDataDirectory() {
        return new OwnerOnlyAtStart();
    }

    @Bean
    static OwnerOnlyWatch ownerOnlyDataDirectoryWatch(Environment environment) {
        return new OwnerOnlyWatch(Path.of(environment.getProperty("engine.data-dir", "./data")).toAbsolutePath());
    }

    static final class OwnerOnlyAtStart implements BeanFactoryPostProcessor, EnvironmentAware {
        private Environment environment;

        @Override
        public void setEnvironment(Environment environment) {
            this.environment = environment;
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
            secure(Path.of(environment.getProperty("engine.data-dir", "./data")));
        }
    }

    /**
     * Creates the directory if needed, owner-only from its creation, and makes everything under it
     * owner-only (symbolic links are not followed).
     *
     * @return how many entries had their permissions changed, or -1 on a file system without POSIX permissions
     */
    public static int secure(Path directory) {
        Path dir = directory.toAbsolutePath();
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir.getParent());
                if (!posix(dir.getParent())) {
                    Files.createDirectories(dir);
                    return -1;
                }
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // another engine made it first: fixed below
                }
            }
            if (!posix(dir)) {
                return -1;
            }
            int[] changed = {0};
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) throws IOException {
                    changed[0] += ownerOnly(d) ? 1 : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    changed[0] += ownerOnly(file) ? 1 : 0;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // gone between listing and visiting (a temporary file)
                }
            });
            return changed[0];
        } catch (IOException e) {
            throw new IllegalStateException("the data directory " + dir + " could not be made owner-only: " + e.getMessage(), e);
        }
    }

    private static boolean posix(Path path) throws IOException {
        boolean posix = Files.getFileStore(path).supportsFileAttributeView("posix");
        if (!posix) {
            log.warn("the file system of the data directory {} has no POSIX permissions: its files keep their defaults; "
                    + "restrict the directory by other means", path);
        }
        return posix;
    }

    /** Sets a directory to 0700 or a file to 0600 (links and other entries are left); true when it changed. */
    static boolean ownerOnly(Path entry) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> wanted = attributes.isDirectory() ? DIRECTORY : attributes.isRegularFile() ? FILE : null;
            if (wanted == null) {
                return false;
            }
            if (Files.getPosixFilePermissions(entry, LinkOption.NOFOLLOW_LINKS).equals(wanted)) {
                return false;
            }
            Files.setPosixFilePermissions(entry, wanted);
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        }
    }

    /**
     * What the database and the broker create after start: each new entry of the tree is made
     * owner-only as it appears (new directories are watched in turn), and the whole tree is swept once
     * the engine is ready.
     */
    static final class OwnerOnlyWatch implements SmartLifecycle, ApplicationListener<ApplicationReadyEvent> {
        private final Path root;
        private volatile WatchService watch;
        private volatile Thread thread;

        OwnerOnlyWatch(Path root) {
            this.root = root;
        }

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            int changed = secure(root);
            if (changed > 0) {
                log.info("data directory: {} entries made owner-only", changed);
            }
        }

        @Override
        public int getPhase() {
            return Integer.MIN_VALUE; // first to start, last to stop
        }

        @Override
        public synchronized void start() {
            try {
                if (!Files.isDirectory(root) || !Files.getFileStore(root).supportsFileAttributeView("posix")) {
                    return;
                }
                watch = root.getFileSystem().newWatchService();
                registerTree(root);
            } catch (IOException e) {
                log.warn("data directory: new files are not watched ({}); they are fixed at the next start", e.getMessage());
                return;
            }
            thread = new Thread(this::run, "data-directory-owner-only");
            thread.setDaemon(true);
            thread.start();
        }

        private void registerTree(Path dir) throws IOException {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attributes) throws IOException {
                    d.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
                    ownerOnly(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    ownerOnly(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        }

        private void run() {
            try {
                while (true) {
                    WatchKey key = watch.take();
                    Path dir = (Path) key.watchable();
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            secure(root);
                            continue;
                        }
                        Path entry = dir.resolve((Path) event.context());
                        try {
                            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                                registerTree(entry);
                            } else {
                                ownerOnly(entry);
                            }
                        } catch (IOException | RuntimeException e) {
                            log.debug("data directory: {} not fixed: {}", entry.getFileName(), e.getMessage());
                        }
                    }
                    key.reset();
                }
            } catch (InterruptedException | ClosedWatchServiceException stopped) {
                // stopping
            }
        }

        @Override
        public synchronized void stop() {
            try {
                if (watch != null) {
                    watch.close();
                }
            } catch (IOException e) {
                // closing anyway
            }
            watch = null;
            thread = null;
        }

        @Override
        public boolean isRunning() {
            return watch != null;
        }
    }
}
