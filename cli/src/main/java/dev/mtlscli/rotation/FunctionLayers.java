package dev.mtlscli.rotation;

import dev.mtlscli.aws.LayerVersionArn;

import java.util.List;
import java.util.Optional;

/**
 * A function and the layer versions it has, in order (Lambda merges them into /opt in that
 * order, so a rotation keeps it).
 */
public record FunctionLayers(String functionName, String functionArn, List<String> layerArns) {

    public FunctionLayers {
        layerArns = List.copyOf(layerArns);
    }

    /** The version of the given layer (ARN without version) the function uses, if any. */
    public Optional<LayerVersionArn> versionOf(String layerArn) {
        return layerArns.stream().map(LayerVersionArn::parseOrNull)
                .filter(arn -> arn != null && arn.layerArn().equals(layerArn)).findFirst();
    }

    /** The layer list with the given layer's version replaced, every other layer and the order kept. */
    public List<String> withVersion(LayerVersionArn target) {
        return layerArns.stream().map(arn -> {
            LayerVersionArn parsed = LayerVersionArn.parseOrNull(arn);
            return parsed != null && parsed.layerArn().equals(target.layerArn()) ? target.arn() : arn;
        }).toList();
    }
}
