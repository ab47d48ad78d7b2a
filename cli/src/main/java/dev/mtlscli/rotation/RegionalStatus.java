package dev.mtlscli.rotation;

import dev.mtlscli.aws.Arns;

/**
 * The status of one account and region of a fleet: its report, or why it could not be read.
 *
 * @param account the AWS account of the layers (from their ARNs; null when none was found or the region failed)
 */
public record RegionalStatus(String region, String account, StatusReport report, String failure) {

    public static RegionalStatus read(String region, StatusReport report) {
        String account = null;
        for (InventoryLayer layer : report.layers()) {
            account = Arns.account(layer.layerArn());
            if (account != null) {
                break;
            }
        }
        return new RegionalStatus(region, account, report, null);
    }

    public static RegionalStatus failed(String region, String failure) {
        return new RegionalStatus(region, null, null, failure);
    }

    public boolean ok() {
        return failure == null;
    }
}
