package dev.mtlscli.aws;

import dev.mtlscli.MtlsException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

import java.util.regex.Pattern;

/** Finds the region to call and refuses one that does not exist, before any call is made. */
final class AwsRegions {
    private static final Pattern REGION_SHAPE = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private AwsRegions() {
    }

    /**
     * --region, else AWS_REGION / aws.region, else the profile's region. Unlike the SDK's default
     * chain it does not ask the EC2 instance metadata service: on a laptop that is a second of
     * timeouts before the "no region" message, and the CLI user can always say --region.
     */
    static Region resolve(String explicitRegion, String profile) {
        String id = explicitRegion;
        if (id == null) {
            try {
                id = new AwsRegionProviderChain(new SystemSettingsRegionProvider(),
                        new AwsProfileRegionProvider(ProfileFile::defaultProfileFile, profile))
                        .getRegion().id();
            } catch (SdkClientException e) {
                throw new MtlsException("no AWS region: pass --region, set AWS_REGION, or set region in the "
                        + (profile == null ? "default profile" : "profile '" + profile + "'") + " of ~/.aws/config");
            }
        }
        return validate(id);
    }

    /** A region id the SDK knows; a typo would otherwise surface as a DNS failure after retries. */
    static Region validate(String id) {
        if (!REGION_SHAPE.matcher(id).matches()) {
            throw new MtlsException("'" + id + "' is not an AWS region id (for example eu-west-1)");
        }
        Region region = Region.of(id);
        if (!Region.regions().contains(region)) {
            throw new MtlsException("unknown AWS region '" + id + "'");
        }
        return region;
    }
}
