package dev.mtlscli.aws;

/** The AWS services mtls-cli calls, with the names users know them by. */
public enum AwsService {
    SSM("ssm", "SSM"),
    LAMBDA("lambda", "Lambda"),
    ACM_PCA("acm-pca", "ACM PCA"),
    KMS("kms", "KMS"),
    STS("sts", "STS"),
    ORGANIZATIONS("organizations", "Organizations"),
    DYNAMODB("dynamodb", "DynamoDB"),
    EVENTS("events", "EventBridge"),
    RAM("ram", "RAM");

    private final String id;
    private final String displayName;

    AwsService(String id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    /** The service's id in endpoint URLs and options, e.g. {@code acm-pca}. */
    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }
}
