package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.LabelParameterVersionResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterHistory;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterVersionLabelLimitExceededException;
import software.amazon.awssdk.services.ssm.model.ParameterVersionNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** LabelParameterVersion and the {@code name:label} selectors, with the real SsmClient. */
class SsmLabelWireTest {
    private static final String PASSWORD = "/mtls/service-1/keystore-password";

    private FakeAws aws;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        ssm = SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .region(Region.US_EAST_1)
                .endpointOverride(aws.endpoint())
                .build();
        aws.ssm().put(PASSWORD, "pw-one", true);
        aws.ssm().put(PASSWORD, "pw-two", true);
        aws.ssm().put(PASSWORD, "pw-three", true);
    }

    @AfterEach
    void stop() {
        ssm.close();
        aws.close();
    }

    @Test
    void aLabelSelectsItsVersionAndMovesToTheVersionLabeledLast() {
        LabelParameterVersionResponse labeled = ssm.labelParameterVersion(r -> r.name(PASSWORD).parameterVersion(1L)
                .labels("current"));
        assertEquals(1, labeled.parameterVersion());
        assertEquals(List.of(), labeled.invalidLabels());

        GetParametersResponse byLabel = ssm.getParameters(r -> r.names(PASSWORD + ":current", PASSWORD + ":2",
                PASSWORD + ":previous").withDecryption(true));
        assertEquals(List.of(PASSWORD + ":previous"), byLabel.invalidParameters());
        Parameter current = byLabel.parameters().stream().filter(p -> ":current".equals(p.selector())).findFirst()
                .orElseThrow();
        assertEquals("pw-one", current.value());
        assertEquals(1, current.version());
        assertEquals(PASSWORD, current.name());

        assertEquals(3, ssm.labelParameterVersion(r -> r.name(PASSWORD).labels("current")).parameterVersion(),
                "no version: the latest");
        assertEquals("pw-three", ssm.getParameter(r -> r.name(PASSWORD + ":current").withDecryption(true))
                .parameter().value());
        List<ParameterHistory> history = ssm.getParameterHistory(r -> r.name(PASSWORD)).parameters();
        assertEquals(List.of(List.of(), List.of(), List.of("current")),
                history.stream().map(ParameterHistory::labels).toList());
        assertEquals(List.of("current"), aws.ssm().labels(PASSWORD, 3));
    }

    @Test
    void labelsThatBreakTheRulesAreReturnedNotAttached() {
        LabelParameterVersionResponse labeled = ssm.labelParameterVersion(r -> r.name(PASSWORD).parameterVersion(2L)
                .labels("blue", "1st", "aws-managed", "SSMlabel", "has space", "v1.2_rc-3"));

        assertEquals(List.of("1st", "aws-managed", "SSMlabel", "has space"), labeled.invalidLabels());
        assertEquals(List.of("blue", "v1.2_rc-3"), aws.ssm().labels(PASSWORD, 2));
        assertEquals(2, aws.ssm().labeled(PASSWORD, "v1.2_rc-3").orElseThrow().version());
    }

    @Test
    void aVersionCarriesAtMostTenLabels() {
        String[] ten = IntStream.rangeClosed(1, 10).mapToObj(i -> "label-" + i).toArray(String[]::new);
        ssm.labelParameterVersion(r -> r.name(PASSWORD).parameterVersion(1L).labels(ten));

        assertThrows(ParameterVersionLabelLimitExceededException.class,
                () -> ssm.labelParameterVersion(r -> r.name(PASSWORD).parameterVersion(1L).labels("eleventh")));
        assertEquals(10, aws.ssm().labels(PASSWORD, 1).size());

        ssm.labelParameterVersion(r -> r.name(PASSWORD).parameterVersion(2L).labels("label-10"));
        ssm.labelParameterVersion(r -> r.name(PASSWORD).parameterVersion(1L).labels("eleventh"));
        assertEquals(List.of("label-10"), aws.ssm().labels(PASSWORD, 2));
        assertEquals(10, aws.ssm().labels(PASSWORD, 1).size());
    }

    @Test
    void missingParameterVersionOrLabelAreTheirOwnErrors() {
        assertThrows(ParameterNotFoundException.class,
                () -> ssm.labelParameterVersion(r -> r.name("/mtls/none").labels("current")));
        assertThrows(ParameterVersionNotFoundException.class,
                () -> ssm.labelParameterVersion(r -> r.name(PASSWORD).parameterVersion(9L).labels("current")));
        assertThrows(ParameterVersionNotFoundException.class,
                () -> ssm.getParameter(r -> r.name(PASSWORD + ":current")));
        SsmException tooMany = assertThrows(SsmException.class, () -> ssm.labelParameterVersion(r -> r.name(PASSWORD)
                .labels(IntStream.rangeClosed(1, 11).mapToObj(i -> "l" + i).toArray(String[]::new))));
        assertEquals("ValidationException", tooMany.awsErrorDetails().errorCode());
    }

    @Test
    void seedingLabelsFollowsTheSameRules() {
        FakeSsm.Labeled labeled = aws.ssm().label(PASSWORD, 2, "current", "ssm-reserved");

        assertEquals(new FakeSsm.Labeled(2, List.of("ssm-reserved")), labeled);
        assertEquals("pw-two", ssm.getParameter(r -> r.name(PASSWORD + ":current").withDecryption(true))
                .parameter().value());
        ssm.deleteParameter(r -> r.name(PASSWORD));
        aws.ssm().put(PASSWORD, "new", true);
        assertEquals(List.of(), aws.ssm().labels(PASSWORD, 1), "labels go with the deleted parameter");
    }
}
