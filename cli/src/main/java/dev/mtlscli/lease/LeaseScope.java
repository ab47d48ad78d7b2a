package dev.mtlscli.lease;

/**
 * What a lease guards: one service's layer in one account and region, so that a rotation of
 * service-1 in us-east-1 and one of service-1 in eu-west-1, or of service-2 anywhere, never wait
 * for each other. Its key in the lease table is {@code <account>/<region>/<layer name>}.
 */
public record LeaseScope(String account, String region, String layerName) {
    public String key() {
        return account + "/" + region + "/" + layerName;
    }

    @Override
    public String toString() {
        return key();
    }
}
