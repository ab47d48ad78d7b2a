package dev.mtlscli.rotation;

import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.Layer;

import java.util.ArrayList;
import java.util.List;

/** Every function of the account and region with its layers (ListFunctions, all pages). */
public final class FunctionInventory {
    private FunctionInventory() {
    }

    public static List<FunctionLayers> read(LambdaClient lambda) {
        List<FunctionLayers> functions = new ArrayList<>();
        AwsCalls.run(AwsService.LAMBDA, "ListFunctions", () -> {
            for (FunctionConfiguration function : lambda.listFunctionsPaginator(b -> b.maxItems(50)).functions()) {
                functions.add(of(function));
            }
        });
        return functions;
    }

    static FunctionLayers of(FunctionConfiguration function) {
        List<String> layers = function.hasLayers() ? function.layers().stream().map(Layer::arn).toList() : List.of();
        return new FunctionLayers(function.functionName(), function.functionArn(), layers);
    }
}
