package dev.mtlscli.fakeaws;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARNs of ACM PCA: a CA is {@code arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/ID}, a
 * certificate is the CA's ARN followed by {@code /certificate/SERIAL}. An ARN that is not of the
 * expected form is an InvalidArnException; a well-formed one that names nothing is the caller's
 * ResourceNotFoundException.
 */
final class PcaArns {
    /** The model's pattern for every Arn member. */
    private static final Pattern MODEL = Pattern.compile(
            "arn:[\\w+=/,.@-]+:acm-pca:[\\w+=/,.@-]*:[0-9]*:[\\w+=,.@-]+(/[\\w+=,.@-]+)*");
    private static final Pattern CA = Pattern.compile("arn:[^:]+:acm-pca:[^:]+:[0-9]{12}:certificate-authority/[^/]+");
    private static final Pattern CERTIFICATE = Pattern.compile("(" + CA.pattern() + ")/certificate/[^/]+");

    private PcaArns() {
    }

    /** Returns the ARN when it has the form of a CA's ARN. */
    static String certificateAuthority(String arn) throws AwsError {
        if (!MODEL.matcher(arn).matches() || !CA.matcher(arn).matches()) {
            throw invalid(arn);
        }
        return arn;
    }

    /** The ARN of the CA that the certificate ARN names, when it has the form of a certificate's ARN. */
    static String issuerOf(String certificateArn) throws AwsError {
        Matcher matcher = CERTIFICATE.matcher(certificateArn);
        if (!MODEL.matcher(certificateArn).matches() || !matcher.matches()) {
            throw invalid(certificateArn);
        }
        return matcher.group(1);
    }

    /** A template ARN must at least be an ARN of the model's form. */
    static void checkTemplate(String arn) throws AwsError {
        if (!MODEL.matcher(arn).matches()) {
            throw invalid(arn);
        }
    }

    private static AwsError invalid(String arn) {
        return AwsError.badRequest("InvalidArnException", "The ARN " + arn + " is not valid.");
    }
}
