package org.telenc.engine.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.telenc.engine.emr.EmrCapabilities;
import org.telenc.engine.emr.EmrOperations;
import org.telenc.engine.emr.ReferenceRecords;

/**
 * The reference table of the adapter operations' records in docs/route-authoring.md ("The
 * operations' records, field by field") names exactly the records' components, in their order,
 * each with its type as Java spells it without packages ({@code List<RefillableMedication>}), a
 * required column of yes or no and an example. Plain JUnit: the table parsed, the records read by
 * reflection.
 */
class AdapterRecordsTableTest {

    static final Path DOC = Path.of("docs/route-authoring.md");
    /** | `operation` | `Record` | `field` | `Type` | yes/no | example | */
    private static final Pattern ROW = Pattern.compile(
            "^\\| `([a-z()-]+)` \\| `([A-Za-z]+)` \\| `([A-Za-z0-9]+)` \\| `([A-Za-z<>, ]+)` \\| (yes|no) \\| (.+) \\|$");

    @Test
    void theTableNamesEveryComponentOfTheOperationsRecordsWithItsType() throws IOException {
        assertThat(documented()).isEqualTo(components());
    }

    @Test
    void everyRowHasAnExample() throws IOException {
        List<String> rows = Files.readAllLines(DOC).stream().filter(line -> ROW.matcher(line).matches()).toList();
        assertThat(rows).hasSizeGreaterThan(50);
        assertThat(rows).allSatisfy(row -> {
            Matcher m = ROW.matcher(row);
            assertThat(m.matches()).isTrue();
            assertThat(m.group(6).strip()).as(row).isNotEmpty();
        });
    }

    /** Record → its fields as "name: Type", in the table's order. */
    static Map<String, List<String>> documented() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                out.computeIfAbsent(m.group(2), k -> new ArrayList<>()).add(m.group(3) + ": " + m.group(4));
            }
        }
        return sorted(out);
    }

    /** Record → its components as "name: Type", in declaration order; records without components are left out. */
    static Map<String, List<String>> components() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        List<Class<?>> records = new ArrayList<>(List.of(EmrCapabilities.class));
        for (Class<?> holder : List.of(EmrOperations.class, ReferenceRecords.class)) {
            for (Class<?> nested : holder.getDeclaredClasses()) {
                if (nested.isRecord()) {
                    records.add(nested);
                }
            }
        }
        for (Class<?> record : records) {
            for (RecordComponent component : record.getRecordComponents()) {
                out.computeIfAbsent(record.getSimpleName(), k -> new ArrayList<>())
                        .add(component.getName() + ": " + component.getGenericType().getTypeName().replaceAll("[\\w.]+[.$]", ""));
            }
        }
        return sorted(out);
    }

    private static Map<String, List<String>> sorted(Map<String, List<String>> map) {
        return new java.util.TreeMap<>(map);
    }
}
