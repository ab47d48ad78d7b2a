package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS RAM on the wire (REST-JSON, signing name {@code ram}): CreateResourceShare,
 * GetResourceShares, AssociateResourceShare and GetResourceShareAssociations, over
 * {@link FakeRam}, with the answer shapes of the service model (lower camel case members).
 */
final class RamService implements RestJsonService {
    static final List<String> PATHS = List.of("/createresourceshare", "/getresourceshares", "/associateresourceshare",
            "/getresourceshareassociations");
    private static final List<RestRoute> ROUTES = List.of(
            RestRoute.of("CreateResourceShare", "POST", "/createresourceshare"),
            RestRoute.of("GetResourceShares", "POST", "/getresourceshares"),
            RestRoute.of("AssociateResourceShare", "POST", "/associateresourceshare"),
            RestRoute.of("GetResourceShareAssociations", "POST", "/getresourceshareassociations"));

    private final FakeRam ram;

    RamService(FakeRam ram) {
        this.ram = ram;
    }

    @Override
    public String signingName() {
        return "ram";
    }

    @Override
    public List<RestRoute> routes() {
        return ROUTES;
    }

    @Override
    public AwsError throttle() {
        return new AwsError(429, "ThrottlingException", "Rate exceeded");
    }

    @Override
    public RestAnswer call(RestCall call) throws AwsError {
        Map<String, Object> in = call.json();
        return switch (call.operation()) {
            case "CreateResourceShare" -> create(in);
            case "GetResourceShares" -> getShares(in);
            case "AssociateResourceShare" -> associate(in);
            case "GetResourceShareAssociations" -> associations(in);
            default -> throw AwsError.badRequest("UnknownOperationException", "fake-aws does not implement RAM " + call.operation());
        };
    }

    private RestAnswer create(Map<String, Object> in) throws AwsError {
        String name = JsonArgs.requiredString(in, "name");
        List<String> resources = strings(in, "resourceArns");
        List<String> principals = strings(in, "principals");
        for (String resource : resources) {
            ram.checkResource(resource);
        }
        for (String principal : principals) {
            FakeRam.checkPrincipal(principal);
        }
        Object external = in.get("allowExternalPrincipals");
        FakeRam.Share share = ram.create(name, external == null || Boolean.TRUE.equals(external));
        synchronized (share) {
            share.resources.addAll(resources);
            share.principals.addAll(principals);
        }
        return RestAnswer.json(200, Map.of("resourceShare", describe(share)));
    }

    private RestAnswer getShares(Map<String, Object> in) throws AwsError {
        String owner = JsonArgs.requiredString(in, "resourceOwner");
        if (!List.of("SELF", "OTHER-ACCOUNTS").contains(owner)) {
            throw AwsError.badRequest("InvalidParameterException", "resourceOwner must be SELF or OTHER-ACCOUNTS.");
        }
        String name = JsonArgs.optionalString(in, "name");
        List<Object> found = new ArrayList<>();
        if (owner.equals("SELF")) {
            for (FakeRam.Share share : ram.shares()) {
                if (name == null || name.equals(share.name)) {
                    found.add(describe(share));
                }
            }
        }
        return RestAnswer.json(200, Map.of("resourceShares", found));
    }

    private RestAnswer associate(Map<String, Object> in) throws AwsError {
        FakeRam.Share share = existing(JsonArgs.requiredString(in, "resourceShareArn"));
        List<String> resources = strings(in, "resourceArns");
        List<String> principals = strings(in, "principals");
        for (String resource : resources) {
            ram.checkResource(resource);
        }
        for (String principal : principals) {
            FakeRam.checkPrincipal(principal);
        }
        List<Object> associations = new ArrayList<>();
        synchronized (share) {
            share.resources.addAll(resources);
            share.principals.addAll(principals);
        }
        resources.forEach(r -> associations.add(association(share, r, "RESOURCE", "ASSOCIATING")));
        principals.forEach(p -> associations.add(association(share, p, "PRINCIPAL", "ASSOCIATING")));
        return RestAnswer.json(200, Map.of("resourceShareAssociations", associations));
    }

    private RestAnswer associations(Map<String, Object> in) throws AwsError {
        String type = JsonArgs.requiredString(in, "associationType");
        if (!List.of("PRINCIPAL", "RESOURCE").contains(type)) {
            throw AwsError.badRequest("InvalidParameterException", "associationType must be PRINCIPAL or RESOURCE.");
        }
        List<Object> associations = new ArrayList<>();
        for (String arn : strings(in, "resourceShareArns")) {
            FakeRam.Share share = existing(arn);
            synchronized (share) {
                for (String entity : type.equals("RESOURCE") ? share.resources : share.principals) {
                    associations.add(association(share, entity, type, "ASSOCIATED"));
                }
            }
        }
        return RestAnswer.json(200, Map.of("resourceShareAssociations", associations));
    }

    private FakeRam.Share existing(String arn) throws AwsError {
        FakeRam.Share share = ram.share(arn);
        if (share == null) {
            throw AwsError.badRequest("UnknownResourceException", "ResourceShare " + arn + " could not be found.");
        }
        return share;
    }

    private Map<String, Object> describe(FakeRam.Share share) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resourceShareArn", share.arn);
        out.put("name", share.name);
        out.put("owningAccountId", ram.accountId());
        out.put("allowExternalPrincipals", share.allowExternalPrincipals);
        out.put("status", "ACTIVE");
        out.put("creationTime", JsonOutput.epochSeconds(share.created));
        out.put("lastUpdatedTime", JsonOutput.epochSeconds(share.created));
        out.put("featureSet", "STANDARD");
        return out;
    }

    private Map<String, Object> association(FakeRam.Share share, String entity, String type, String status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resourceShareArn", share.arn);
        out.put("resourceShareName", share.name);
        out.put("associatedEntity", entity);
        out.put("associationType", type);
        out.put("status", status);
        out.put("creationTime", JsonOutput.epochSeconds(ram.now()));
        out.put("lastUpdatedTime", JsonOutput.epochSeconds(ram.now()));
        out.put("external", false);
        return out;
    }

    private static List<String> strings(Map<String, Object> in, String field) throws AwsError {
        List<String> values = new ArrayList<>();
        for (Object value : JsonArgs.list(in, field)) {
            if (!(value instanceof String string)) {
                throw AwsError.badRequest("SerializationException", field + " must hold strings.");
            }
            values.add(string);
        }
        return values;
    }
}
