package dev.heed.cli.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTableTest {

    @Test
    void quotesOnlyWhereRfc4180NeedsIt() {
        CsvTable t = new CsvTable("name", "value", "note");
        t.add("a,b", 1e-5, "say \"hi\"");
        t.add("plain", Double.POSITIVE_INFINITY, null);
        t.add(" padded", Double.NEGATIVE_INFINITY, "two\nlines");
        t.add("", 0.1f, true);
        assertEquals("name,value,note\n"
                + "\"a,b\",1.0E-5,\"say \"\"hi\"\"\"\n"
                + "plain,inf,\n"
                + "\" padded\",-inf,\"two\nlines\"\n"
                + "\"\",0.1,true\n", t.toCsv());
        assertEquals(List.of("plain", "inf", ""), t.cells().get(1));
    }

    @Test
    void doublesKeepFullPrecision() {
        // 0.1 + 0.2 is 0.30000000000000004 in binary floating point; the CSV must keep every digit.
        assertEquals("0.30000000000000004", CsvTable.cell(0.1 + 0.2));
        assertEquals("9007199254740993", CsvTable.cell(9007199254740993L));
    }

    @Test
    void rowsMustMatchTheHeader() {
        CsvTable t = new CsvTable("a", "b");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.add(1));
        assertEquals("CsvTable.add: 1 values for 2 columns [a, b]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CsvTable("a", "a"));
        assertThrows(IllegalArgumentException.class, CsvTable::new);
    }
}
