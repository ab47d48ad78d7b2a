package dev.mtlscli.store;

import dev.mtlscli.MtlsException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every file the tool reads is read through a size limit: a path such as /dev/zero, a FIFO
 * that never ends or a multi-gigabyte file given by mistake must end in one clear line, not in
 * an OutOfMemoryError or a hang while the whole thing is buffered.
 */
public final class BoundedReads {
    /** Passwords files, password lines, spec files: a few kilobytes at most in real use. */
    public static final int SMALL = 1024 * 1024;
    /** Certificates, keys, keystores and truststores: a bundle of thousands of CAs still fits. */
    public static final int MATERIAL = 16 * 1024 * 1024;
    /** A downloaded layer zip: Lambda caps a layer at 50 MB zipped. */
    public static final int LAYER_ZIP = 64 * 1024 * 1024;

    private BoundedReads() {
    }

    /**
     * Reads at most {@code limit} bytes of a file (or device, FIFO, /dev/stdin), refusing
     * anything longer with one line that names the file and what it was read as.
     */
    public static byte[] read(Path path, int limit, String what) {
        if (Files.isDirectory(path)) {
            throw new MtlsException(what + " " + path + " is a directory, not a file");
        }
        refuseFifoOrSocket(path, what);
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, limit, what + " " + path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new MtlsException(what + " " + path + " does not exist");
        } catch (java.nio.file.AccessDeniedException e) {
            throw new MtlsException("cannot read " + what + " " + path + ": permission denied");
        } catch (IOException e) {
            throw new MtlsException("cannot read " + what + " " + path + ": "
                    + e.getMessage(), e);
        }
    }

    private static final int TYPE_MASK = 0170000;
    private static final int FIFO = 0010000;
    private static final int SOCKET = 0140000;

    /**
     * Opening a named FIFO for reading blocks until some process opens it for writing, which may
     * be never; a socket cannot be opened at all. Both are refused before the open. Descriptors
     * this process already holds (/dev/stdin, /dev/fd/N of a shell's {@code <(...)}) are pipes
     * with a writer and are read as usual; devices such as /dev/zero end at the size limit.
     */
    private static void refuseFifoOrSocket(Path path, String what) {
        String name = path.toAbsolutePath().normalize().toString();
        if (name.equals("/dev/stdin") || name.startsWith("/dev/fd/") || name.startsWith("/proc/self/fd/")) {
            return;
        }
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode");
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return; // no unix view here, or the open that follows reports the problem
        }
        if ((mode & TYPE_MASK) == FIFO) {
            throw new MtlsException(what + " " + path + " is a FIFO (named pipe), not a regular file; refusing to wait for a writer");
        }
        if ((mode & TYPE_MASK) == SOCKET) {
            throw new MtlsException(what + " " + path + " is a socket, not a regular file");
        }
    }

    /** Reads a stream up to {@code limit} bytes; {@code what} names it in the refusal. */
    public static byte[] read(InputStream in, int limit, String what) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > limit) {
                throw new MtlsException(what + " is larger than " + describe(limit) + "; refusing to read it");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * The first line of a stream, without waiting for its end (a password typed at a terminal
     * is followed by Enter, not by Ctrl-D), refusing a line longer than {@code limit} bytes.
     */
    public static String firstLine(InputStream in, int limit, String what) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (line.size() >= limit) {
                throw new MtlsException(what + " has a first line longer than " + describe(limit) + "; refusing to read it");
            }
            line.write(b);
        }
        String text = line.toString(java.nio.charset.StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private static String describe(int limit) {
        return limit % (1024 * 1024) == 0 ? (limit / (1024 * 1024)) + " MiB" : limit + " bytes";
    }
}
