package dev.mtlscli.fakeaws;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ram.RamClient;
import software.amazon.awssdk.services.ram.model.InvalidParameterException;
import software.amazon.awssdk.services.ram.model.ResourceShare;
import software.amazon.awssdk.services.ram.model.ResourceShareAssociation;
import software.amazon.awssdk.services.ram.model.UnknownResourceException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.SsmException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fake RAM and SSM's parameter tiers through the real SDK clients: sharing an advanced parameter, and what RAM refuses. */
class RamWireTest {
    private FakeAws aws;
    private RamClient ram;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        ram = RamClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(KmsWire.home())
                .region(Region.of(aws.region())).endpointOverride(aws.endpoint()).build();
        ssm = SsmClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(KmsWire.home())
                .region(Region.of(aws.region())).endpointOverride(aws.endpoint()).build();
    }

    @AfterEach
    void stop() {
        ram.close();
        ssm.close();
        aws.close();
    }

    private String parameterArn(String name) {
        return "arn:aws:ssm:" + aws.region() + ":" + FakeAws.ACCOUNT_ID + ":parameter" + name;
    }

    @Test
    void anAdvancedParameterIsSharedAndItsSharesAndAssociationsAreRead() {
        assertEquals(ParameterTier.ADVANCED, ssm.putParameter(b -> b.name("/mtls/s/latest").value("v").type("String")
                .tier(ParameterTier.ADVANCED)).tier());

        ResourceShare share = ram.createResourceShare(b -> b.name("mtls-s-release").resourceArns(parameterArn("/mtls/s/latest"))
                .principals("222233334444").allowExternalPrincipals(false)).resourceShare();
        ram.associateResourceShare(b -> b.resourceShareArn(share.resourceShareArn()).principals("333344445555"));

        assertEquals(List.of(share.resourceShareArn()), ram.getResourceShares(b -> b.resourceOwner("SELF").name("mtls-s-release"))
                .resourceShares().stream().map(ResourceShare::resourceShareArn).toList());
        assertTrue(ram.getResourceShares(b -> b.resourceOwner("SELF").name("other")).resourceShares().isEmpty());
        assertEquals(List.of("222233334444", "333344445555"), ram.getResourceShareAssociations(b -> b.associationType("PRINCIPAL")
                .resourceShareArns(share.resourceShareArn())).resourceShareAssociations().stream()
                .map(ResourceShareAssociation::associatedEntity).toList());
        assertEquals(List.of(parameterArn("/mtls/s/latest")), aws.ram().shares().get(0).resources());
        assertEquals(false, aws.ram().shares().get(0).allowExternalPrincipals());
    }

    @Test
    void aStandardOrMissingParameterCannotBeShared() {
        ssm.putParameter(b -> b.name("/mtls/s/standard").value("v").type("String"));

        assertThrows(InvalidParameterException.class, () -> ram.createResourceShare(b -> b.name("n")
                .resourceArns(parameterArn("/mtls/s/standard")).principals("222233334444")));
        assertThrows(UnknownResourceException.class, () -> ram.createResourceShare(b -> b.name("n")
                .resourceArns(parameterArn("/mtls/s/missing")).principals("222233334444")));
        assertThrows(InvalidParameterException.class, () -> ram.createResourceShare(b -> b.name("n").principals("not-an-account")));
        assertTrue(aws.ram().shares().isEmpty());
    }

    @Test
    void anAdvancedParameterIsNeverMadeStandardAgain() {
        ssm.putParameter(b -> b.name("/p").value("v").type("String").tier(ParameterTier.ADVANCED));

        assertThrows(SsmException.class, () -> ssm.putParameter(b -> b.name("/p").value("w").overwrite(true).tier(ParameterTier.STANDARD)));
        assertEquals(ParameterTier.ADVANCED, ssm.putParameter(b -> b.name("/p").value("w").overwrite(true)).tier());
        assertEquals(FakeSsm.ADVANCED, aws.ssm().tier("/p"));
    }
}
