package dev.mtlscli.fakeaws;

import java.util.Map;

/**
 * A service spoken in the AWS JSON 1.0/1.1 protocols: POST / with the operation in the
 * {@code X-Amz-Target} header as {@code <targetPrefix>.<Operation>} and a JSON body.
 */
interface JsonTargetService {

    /** The SigV4 signing name, e.g. {@code ssm}. */
    String signingName();

    /** The prefix of X-Amz-Target, e.g. {@code AmazonSSM}. */
    String targetPrefix();

    /** The Content-Type of requests and answers, e.g. {@code application/x-amz-json-1.1}. */
    String contentType();

    /** A global service (Organizations) has one state for every region; the others have one per account and region. */
    default boolean global() {
        return false;
    }

    /** Runs an operation on its parsed input and returns the output object. */
    Map<String, Object> call(String operation, Map<String, Object> input) throws AwsError;
}
