package org.telenc.engine.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header row, a rule, right-aligned cells (the first column left-aligned). */
final class TextTable {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    TextTable(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    TextTable row(Object... cells) {
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) {
            text[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(text);
        return this;
    }

    String render(String indent) {
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            out.append(indent);
            for (int i = 0; i < columns; i++) {
                String cell = rows.get(r)[i];
                String pad = " ".repeat(width[i] - cell.length());
                out.append(i == 0 ? cell + pad : pad + cell);
                if (i < columns - 1) {
                    out.append("  ");
                }
            }
            out.append('\n');
            if (r == 0) {
                out.append(indent);
                int total = 0;
                for (int w : width) {
                    total += w;
                }
                out.append("-".repeat(total + 2 * (columns - 1))).append('\n');
            }
        }
        return out.toString();
    }
}
