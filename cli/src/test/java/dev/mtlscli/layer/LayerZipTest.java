package dev.mtlscli.layer;

import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The layer zip is reproducible to the byte, and unzip reads the modes and paths it was given. */
class LayerZipTest {

    private static Map<String, byte[]> files(String keyStore) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("mtls/service-1/manifest.json", "{\"manifestVersion\":1}".getBytes(StandardCharsets.UTF_8));
        files.put("mtls/service-1/keystore.p12", keyStore.getBytes(StandardCharsets.UTF_8));
        files.put("mtls/service-1/truststore.p12", "trust".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    @Test
    void sameFilesGiveTheSameBytesWhateverTheInsertionOrderAndTimeZone() {
        Map<String, byte[]> reversed = new LinkedHashMap<>();
        List<Map.Entry<String, byte[]>> entries = List.copyOf(files("key").entrySet());
        for (int i = entries.size() - 1; i >= 0; i--) {
            reversed.put(entries.get(i).getKey(), entries.get(i).getValue());
        }
        LayerZip first = LayerZip.of(files("key"));
        TimeZone original = TimeZone.getDefault();
        LayerZip inTokyo;
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            inTokyo = LayerZip.of(reversed);
        } finally {
            TimeZone.setDefault(original);
        }

        assertArrayEquals(first.bytes(), inTokyo.bytes());
        assertEquals(first.codeSha256(), inTokyo.codeSha256());
        assertNotEquals(first.codeSha256(), LayerZip.of(files("other key")).codeSha256(), "content must change the hash");
    }

    @Test
    void unzipSeesSortedEntriesWithFixedModesAndTime(@TempDir Path temp) throws Exception {
        Tool.require("unzip");
        Path zip = temp.resolve("layer.zip");
        Files.write(zip, LayerZip.of(files("key")).bytes());

        String listing = Tool.of("zipinfo", "-T", zip.toString()).runOk().out();
        List<String> lines = listing.lines().filter(line -> line.startsWith("-") || line.startsWith("d")).toList();
        assertEquals(5, lines.size(), listing);
        assertEquals(List.of("mtls/", "mtls/service-1/", "mtls/service-1/keystore.p12", "mtls/service-1/manifest.json",
                "mtls/service-1/truststore.p12"), lines.stream().map(line -> line.substring(line.lastIndexOf(' ') + 1)).toList());
        for (String line : lines) {
            String expectedMode = line.endsWith("/") ? "drwxr-xr-x" : "-rw-r--r--";
            assertEquals(expectedMode, line.substring(0, 10), line);
            assertEquals(true, line.contains(" unx "), "made on Unix, so the modes apply: " + line);
            assertEquals(true, line.contains("19800101.000000"), "fixed time: " + line);
        }

        Tool.of("unzip", "-q", zip.toString(), "-d", temp.resolve("x").toString()).runOk();
        assertEquals("key", Files.readString(temp.resolve("x/mtls/service-1/keystore.p12")));
    }

    @Test
    void refusesPathsThatWouldLeaveTheLayer() {
        assertThrows(IllegalArgumentException.class, () -> LayerZip.of(Map.of("../opt/x", new byte[1])));
        assertThrows(IllegalArgumentException.class, () -> LayerZip.of(Map.of("/opt/x", new byte[1])));
    }
}
