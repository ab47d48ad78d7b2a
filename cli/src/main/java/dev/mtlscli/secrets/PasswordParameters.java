package dev.mtlscli.secrets;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsNames;

import java.util.List;

/**
 * Where a service's store passwords live in Parameter Store: PREFIX + keystore-password and
 * PREFIX + truststore-password, with PREFIX /mtls/{service}/ unless the user names another.
 */
public final class PasswordParameters {
    public static final String DEFAULT_PREFIX = "/mtls/{service}/";
    public static final String KEYSTORE = "keystore-password";
    public static final String TRUSTSTORE = "truststore-password";
    private static final String SERVICE_PLACEHOLDER = "{service}";

    private PasswordParameters() {
    }

    /** The prefix for one service; refuses a fixed prefix shared by several services, whose passwords would overwrite each other. */
    public static String prefix(String template, String service, List<String> allServices) {
        if (!template.contains(SERVICE_PLACEHOLDER) && allServices.size() > 1) {
            throw new MtlsException("--parameter-prefix '" + template + "' would put the passwords of "
                    + String.join(", ", allServices) + " in the same parameters; include {service} in it");
        }
        return AwsNames.parameterPrefix(template.replace(SERVICE_PLACEHOLDER, service));
    }
}
