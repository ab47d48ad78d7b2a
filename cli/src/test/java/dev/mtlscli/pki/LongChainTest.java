package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chains of real signed certificates: as long as the bound are put together whole, longer ones are refused as too long. */
class LongChainTest {

    private static List<X509Certificate> chain(int length) throws Exception {
        return CaLadder.of(length).chain();
    }

    @Test
    void aChainAsLongAsTheBoundIsBuiltWhole() throws Exception {
        List<X509Certificate> real = chain(ChainBuilder.MAX_LENGTH);
        List<X509Certificate> loose = new ArrayList<>(real.subList(1, real.size()));
        Collections.shuffle(loose);

        List<X509Certificate> built = ChainBuilder.build(real.get(0), loose);

        assertEquals(real, built);
        assertTrue(ChainVerifier.endsAtRoot(built));
    }

    @Test
    void aChainLongerThanTheBoundIsRefusedAsTooLong() throws Exception {
        List<X509Certificate> real = chain(ChainBuilder.MAX_LENGTH + 1);

        MtlsException refused = assertThrows(MtlsException.class,
                () -> ChainBuilder.build(real.get(0), real.subList(1, real.size())));

        assertTrue(refused.getMessage().contains("is longer than " + ChainBuilder.MAX_LENGTH + " certificates"), refused.getMessage());
    }
}
