package dev.mtlscli.fakeaws;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The KMS operations of asymmetric signing keys: GetPublicKey, Sign and Verify. Sign and Verify
 * take a RAW message (at most 4096 bytes, hashed by KMS) or a DIGEST of the algorithm's length;
 * both need an Enabled SIGN_VERIFY key and an algorithm of its key spec.
 */
final class KmsSignatureOperations {
    /** The largest RAW message Sign and Verify take. */
    static final int MAX_MESSAGE = 4096;
    private static final List<String> MESSAGE_TYPES = List.of("RAW", "DIGEST", "EXTERNAL_MU");

    private final KmsKeyAccess access;

    KmsSignatureOperations(KmsKeyAccess access) {
        this.access = access;
    }

    Map<String, Object> getPublicKey(Map<String, Object> input) throws AwsError {
        return access.onKey(input, "kms:GetPublicKey", (holder, key) -> {
            key.requireEnabled();
            if (!key.spec.asymmetric()) {
                throw KmsErrors.unsupported(key.arn + " is a " + key.spec + " key: only asymmetric KMS keys have"
                        + " a public key.");
            }
            Map<String, Object> output = JsonOutput.ordered(
                    "KeyId", key.arn,
                    "PublicKey", Base64.getEncoder().encodeToString(key.keyPair.getPublic().getEncoded()),
                    "CustomerMasterKeySpec", key.spec.name(),
                    "KeySpec", key.spec.name(),
                    "KeyUsage", key.usage);
            KmsOutput.algorithms(key, output);
            return output;
        });
    }

    Map<String, Object> sign(Map<String, Object> input) throws AwsError {
        Request request = request(input);
        return access.onKey(input, "kms:Sign", (holder, key) -> {
            byte[] digest = request.digestFor(key, "Sign");
            dryRun(input);
            byte[] signature = holder.sign(key, request.algorithm, digest);
            return JsonOutput.ordered("KeyId", key.arn,
                    "Signature", Base64.getEncoder().encodeToString(signature),
                    "SigningAlgorithm", request.algorithm.name());
        });
    }

    Map<String, Object> verify(Map<String, Object> input) throws AwsError {
        Request request = request(input);
        byte[] signature = KmsArgs.blob(input, "Signature", true);
        return access.onKey(input, "kms:Verify", (holder, key) -> {
            byte[] digest = request.digestFor(key, "Verify");
            dryRun(input);
            if (!request.algorithm.verify(key.keyPair.getPublic(), digest, signature)) {
                throw KmsErrors.invalidSignature();
            }
            return JsonOutput.ordered("KeyId", key.arn, "SignatureValid", true,
                    "SigningAlgorithm", request.algorithm.name());
        });
    }

    /** The checks KMS makes on the input alone, before it looks at the key. */
    private static Request request(Map<String, Object> input) throws AwsError {
        byte[] message = KmsArgs.blob(input, "Message", true);
        String messageType = KmsArgs.enumValue(input, "MessageType", MESSAGE_TYPES, "RAW");
        String algorithmName = JsonArgs.requiredString(input, "SigningAlgorithm");
        KmsSigningAlgorithm algorithm = KmsSigningAlgorithm.byName(algorithmName);
        if (algorithm == null) {
            throw KmsErrors.notInEnum(algorithmName, "signingAlgorithm", KmsSigningAlgorithm.API_VALUES);
        }
        if (message.length == 0 || message.length > MAX_MESSAGE) {
            throw AwsError.validation("1 validation error detected: Value at 'message' failed to satisfy constraint:"
                    + " Member must have length between 1 and " + MAX_MESSAGE);
        }
        return new Request(message, messageType, algorithm);
    }

    private static void dryRun(Map<String, Object> input) throws AwsError {
        if (JsonArgs.flag(input, "DryRun")) {
            throw AwsError.badRequest("DryRunOperationException",
                    "The request would have succeeded, but the DryRun option is set.");
        }
    }

    private record Request(byte[] message, String messageType, KmsSigningAlgorithm algorithm) {

        /** The digest to sign or verify, once the key is known to fit the request. */
        byte[] digestFor(KmsKey key, String operation) throws AwsError {
            key.requireEnabled();
            if (!key.usage.equals("SIGN_VERIFY")) {
                throw KmsErrors.invalidKeyUsage("KeyUsage " + key.usage + " is not compatible with KMS operation "
                        + operation + ".");
            }
            if (!key.spec.signingAlgorithms().contains(algorithm)) {
                throw KmsErrors.invalidKeyUsage("Algorithm " + algorithm + " is incompatible with key spec "
                        + key.spec + ".");
            }
            if (messageType.equals("EXTERNAL_MU")) {
                throw KmsErrors.invalidKeyUsage("MessageType EXTERNAL_MU is only for ML-DSA keys, not " + key.spec
                        + ".");
            }
            if (messageType.equals("RAW")) {
                return algorithm.digest(message);
            }
            if (message.length != algorithm.digestLength()) {
                throw AwsError.validation("Digest is invalid length for algorithm " + algorithm + ".");
            }
            return message;
        }
    }
}
