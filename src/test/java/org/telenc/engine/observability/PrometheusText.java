package org.telenc.engine.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition (what /actuator/prometheus answers), for assertions. */
record PrometheusText(List<Sample> samples) {

    record Sample(String name, Map<String, String> labels, double value, String series) {
    }

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(4)), m.group(1) + (m.group(2) == null ? "" : m.group(2))));
        }
        return new PrometheusText(samples);
    }

    /** The one sample with this name whose labels include the given ones; null when there is none. */
    Sample find(String name, String... labels) {
        List<Sample> found = all(name, labels);
        if (found.size() > 1) {
            throw new IllegalStateException("more than one sample " + name + " " + String.join(",", labels));
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /** The value of {@link #find}, 0 when there is no such sample. */
    double value(String name, String... labels) {
        Sample sample = find(name, labels);
        return sample == null ? 0 : sample.value();
    }

    List<Sample> all(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labels.length; i += 2) {
                if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }
}
