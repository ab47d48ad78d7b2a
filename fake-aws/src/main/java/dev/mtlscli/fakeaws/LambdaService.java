package dev.mtlscli.fakeaws;

import java.util.List;

/**
 * AWS Lambda in the REST-JSON protocol (signing name {@code lambda}): the layer operations under
 * {@code /2018-10-31/}, the function operations under {@code /2015-03-31/} and ListTags under
 * {@code /2017-03-31/}, with the request URIs of the service model. State lives in
 * {@link FakeLambda}.
 */
final class LambdaService implements RestJsonService {
    private static final List<RestRoute> ROUTES = List.of(
            RestRoute.of("PublishLayerVersion", "POST", "/2018-10-31/layers/{LayerName}/versions"),
            RestRoute.of("ListLayerVersions", "GET", "/2018-10-31/layers/{LayerName}/versions"),
            RestRoute.of("GetLayerVersion", "GET", "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}"),
            RestRoute.of("DeleteLayerVersion", "DELETE", "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}"),
            RestRoute.of("GetLayerVersionByArn", "GET", "/2018-10-31/layers?find=LayerVersion"),
            RestRoute.of("ListLayers", "GET", "/2018-10-31/layers"),
            RestRoute.of("AddLayerVersionPermission", "POST",
                    "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy"),
            RestRoute.of("GetLayerVersionPolicy", "GET",
                    "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy"),
            RestRoute.of("RemoveLayerVersionPermission", "DELETE",
                    "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}"),
            RestRoute.of("ListFunctions", "GET", "/2015-03-31/functions/"),
            RestRoute.of("GetFunction", "GET", "/2015-03-31/functions/{FunctionName}"),
            RestRoute.of("GetFunctionConfiguration", "GET", "/2015-03-31/functions/{FunctionName}/configuration"),
            RestRoute.of("UpdateFunctionConfiguration", "PUT", "/2015-03-31/functions/{FunctionName}/configuration"),
            RestRoute.of("Invoke", "POST", "/2015-03-31/functions/{FunctionName}/invocations"),
            RestRoute.of("ListTags", "GET", "/2017-03-31/tags/{Resource}"));

    /** The path prefixes the service's operations live under, for the server's contexts. */
    static final List<String> PATH_PREFIXES = List.of("/2018-10-31/", "/2015-03-31/", "/2017-03-31/");

    private final LambdaLayerOperations layers;
    private final LambdaFunctionOperations functions;
    private final LambdaQuotas quotas;

    LambdaService(FakeLambda lambda) {
        this.layers = new LambdaLayerOperations(lambda.layerStore());
        this.functions = new LambdaFunctionOperations(lambda.functionStore());
        this.quotas = lambda.quotas();
    }

    @Override
    public String signingName() {
        return "lambda";
    }

    @Override
    public List<RestRoute> routes() {
        return ROUTES;
    }

    @Override
    public boolean rawBody(String operation) {
        return operation.equals("Invoke");
    }

    @Override
    public void checkRequestSize(String operation, long bodyBytes) throws AwsError {
        if (operation.equals("PublishLayerVersion")) {
            layers.checkRequestSize(bodyBytes);
        } else if (operation.equals("Invoke")) {
            functions.checkRequestSize(bodyBytes);
        }
    }

    @Override
    public void admit(String operation) throws AwsError {
        quotas.admit(operation);
    }

    @Override
    public AwsError throttle() {
        return LambdaErrors.throttled();
    }

    @Override
    public RestAnswer call(RestCall call) throws AwsError {
        switch (call.operation()) {
            case "PublishLayerVersion":
                return layers.publishLayerVersion(call);
            case "ListLayerVersions":
                return layers.listLayerVersions(call);
            case "GetLayerVersion":
                return layers.getLayerVersion(call);
            case "DeleteLayerVersion":
                return layers.deleteLayerVersion(call);
            case "GetLayerVersionByArn":
                return layers.getLayerVersionByArn(call);
            case "ListLayers":
                return layers.listLayers(call);
            case "AddLayerVersionPermission":
                return layers.addLayerVersionPermission(call);
            case "GetLayerVersionPolicy":
                return layers.getLayerVersionPolicy(call);
            case "RemoveLayerVersionPermission":
                return layers.removeLayerVersionPermission(call);
            case "ListFunctions":
                return functions.listFunctions(call);
            case "GetFunction":
                return functions.getFunction(call);
            case "GetFunctionConfiguration":
                return functions.getFunctionConfiguration(call);
            case "UpdateFunctionConfiguration":
                return functions.updateFunctionConfiguration(call);
            case "Invoke":
                return functions.invoke(call);
            case "ListTags":
                return functions.listTags(call);
            default:
                throw new IllegalStateException("a route without an operation: " + call.operation());
        }
    }
}
