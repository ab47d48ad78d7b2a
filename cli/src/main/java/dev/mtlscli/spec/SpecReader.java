package dev.mtlscli.spec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.mtlscli.MtlsException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads mtls.json. Unknown fields are errors, so a typo is reported instead of silently ignored. */
public final class SpecReader {
    private static final String DEMO_SPEC = "/dev/mtlscli/demo-spec.json";

    private SpecReader() {
    }

    public static MtlsSpec read(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new MtlsException("spec file " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new MtlsException("spec file " + path + " is not readable");
        } catch (IOException e) {
            throw new MtlsException("cannot read spec file " + path + ": " + e.getMessage());
        }
        return parse(bytes, "spec file " + path);
    }

    /** The demo set: two services, as in the well-known Lambda mTLS sample. */
    public static MtlsSpec demo() {
        try (InputStream in = SpecReader.class.getResourceAsStream(DEMO_SPEC)) {
            return parse(in.readAllBytes(), "the built-in demo spec");
        } catch (IOException e) {
            throw new IllegalStateException("the demo spec is missing from the jar", e);
        }
    }

    public static String demoJson() {
        try (InputStream in = SpecReader.class.getResourceAsStream(DEMO_SPEC)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the demo spec is missing from the jar", e);
        }
    }

    static MtlsSpec parse(byte[] bytes, String source) {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try {
            MtlsSpec spec = mapper.readValue(bytes, MtlsSpec.class);
            if (spec == null) {
                throw new MtlsException(source + " is empty");
            }
            return spec;
        } catch (UnrecognizedPropertyException e) {
            throw new MtlsException(source + ": unknown field '" + e.getPropertyName() + "' at line "
                    + e.getLocation().getLineNr());
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new MtlsException(source + " is not a valid spec" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MtlsException("cannot read " + source + ": " + e.getMessage());
        }
    }
}
