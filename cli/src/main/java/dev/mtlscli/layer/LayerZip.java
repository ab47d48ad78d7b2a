package dev.mtlscli.layer;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A byte-for-byte reproducible layer zip (DESIGN.md decision 5): entries sorted by path, with
 * their parent directories, one fixed timestamp, Unix modes 0755/0644 and no extra fields, so
 * the same files give the same SHA-256 and `layer publish` can compare it with Lambda's
 * CodeSha256 of the newest version. commons-compress is used because java.util.zip cannot
 * write Unix modes.
 */
public final class LayerZip {
    /**
     * 1980-01-01 00:00, the earliest DOS date, set as local date-time fields: a java.util.Date or
     * millisecond time would be converted with the machine's time zone and give other bytes.
     */
    static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);
    private static final int FILE_MODE = 0100644;
    private static final int DIRECTORY_MODE = 040755;

    private final byte[] bytes;

    private LayerZip(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @param files content by path inside the layer (e.g. mtls/service-1/keystore.p12) */
    public static LayerZip of(Map<String, byte[]> files) {
        SortedMap<String, byte[]> sorted = new TreeMap<>(files);
        TreeSet<String> directories = new TreeSet<>();
        for (String path : sorted.keySet()) {
            if (path.startsWith("/") || path.contains("..") || path.endsWith("/") || path.isEmpty()) {
                throw new IllegalArgumentException("not a relative file path: " + path);
            }
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                directories.add(path.substring(0, slash + 1));
            }
        }
        SortedMap<String, byte[]> entries = new TreeMap<>(sorted);
        directories.forEach(directory -> entries.put(directory, null));

        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(buffer)) {
            zip.setMethod(ZipArchiveOutputStream.DEFLATED);
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.getKey());
                zipEntry.setUnixMode(entry.getValue() == null ? DIRECTORY_MODE : FILE_MODE);
                zipEntry.setTimeLocal(FIXED_TIME);
                zip.putArchiveEntry(zipEntry);
                if (entry.getValue() != null) {
                    zip.write(entry.getValue());
                }
                zip.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the layer zip in memory", e);
        }
        return new LayerZip(buffer.toByteArray());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** Lambda's CodeSha256: the base64 of the zip's SHA-256. */
    public String codeSha256() {
        return Base64.getEncoder().encodeToString(sha256(bytes));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
