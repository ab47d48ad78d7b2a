package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.store.StoreType;
import picocli.CommandLine;

import java.util.Arrays;
import java.util.Iterator;

/** picocli converters and completion candidates for our enums, using their CLI ids. */
final class Converters {
    private Converters() {
    }

    static final class KeyAlgorithmConverter implements CommandLine.ITypeConverter<KeyAlgorithm> {
        @Override
        public KeyAlgorithm convert(String value) {
            try {
                return KeyAlgorithm.fromId(value);
            } catch (MtlsException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class KeyAlgorithms implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(KeyAlgorithm.values()).map(KeyAlgorithm::id).iterator();
        }
    }

    static final class StoreTypeConverter implements CommandLine.ITypeConverter<StoreType> {
        @Override
        public StoreType convert(String value) {
            try {
                return StoreType.fromId(value);
            } catch (MtlsException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    static final class StoreTypes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(StoreType.values()).map(StoreType::id).iterator();
        }
    }
}
