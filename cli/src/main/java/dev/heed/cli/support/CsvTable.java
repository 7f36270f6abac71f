package dev.heed.cli.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A CSV table with a fixed header, formatted for pandas, R and spreadsheets: comma separated,
 * {@code \n} line endings, RFC 4180 quoting where needed, numbers in full precision
 * ({@link Double#toString(double)}, so values round-trip), {@code NaN}, {@code inf} and
 * {@code -inf} for non-finite values, empty cells for {@code null}.
 *
 * <p>Not thread-safe: fill it from one thread, then write it with
 * {@link RunDirectory#writeCsv(String, CsvTable)}.
 *
 * <pre>{@code
 * CsvTable metrics = new CsvTable("step", "wall_seconds", "return_mean");
 * metrics.add(2048, 1.7, 21.5);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public final class CsvTable {

    private final List<String> columns;
    private final List<Object[]> rows = new ArrayList<>();

    /**
     * @param columns the header; at least one, no nulls, no duplicates
     * @throws IllegalArgumentException if the header is empty or has duplicates
     */
    public CsvTable(String... columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length == 0) {
            throw new IllegalArgumentException("CsvTable: no columns; give at least one column name");
        }
        if (Arrays.stream(columns).distinct().count() != columns.length) {
            throw new IllegalArgumentException("CsvTable: duplicate column in " + Arrays.toString(columns));
        }
        for (String c : columns) {
            Objects.requireNonNull(c, "column name");
        }
        this.columns = List.of(columns);
    }

    /** @return the header; unmodifiable */
    public List<String> columns() {
        return columns;
    }

    /** @return number of data rows */
    public int size() {
        return rows.size();
    }

    /**
     * Appends a row.
     *
     * @param values one value per column: numbers, strings, booleans or null
     * @return this table
     * @throws IllegalArgumentException if the count differs from the number of columns
     */
    public CsvTable add(Object... values) {
        Objects.requireNonNull(values, "values");
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("CsvTable.add: " + values.length + " values for "
                    + columns.size() + " columns " + columns);
        }
        rows.add(values.clone());
        return this;
    }

    /** @return the rows as cell strings, for tests and previews; unmodifiable */
    public List<List<String>> cells() {
        List<List<String>> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            List<String> cells = new ArrayList<>(r.length);
            for (Object v : r) {
                cells.add(cell(v));
            }
            out.add(Collections.unmodifiableList(cells));
        }
        return Collections.unmodifiableList(out);
    }

    /** @return the whole table as CSV text, header first, each line ending in {@code \n} */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        appendLine(sb, columns.toArray());
        for (Object[] r : rows) {
            appendLine(sb, r);
        }
        return sb.toString();
    }

    private static void appendLine(StringBuilder sb, Object[] values) {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(cell(values[i]));
        }
        sb.append('\n');
    }

    static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return "NaN";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? "inf" : "-inf";
            }
            return v instanceof Float ? Float.toString((Float) v) : Double.toString(d);
        }
        String s = v.toString();
        boolean quote = s.isEmpty() && !(v instanceof Number)
                || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0
                || !s.equals(s.strip());
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
