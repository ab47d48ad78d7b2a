package dev.mtlscli.rotation;

/** A function to move, and the layer version it was on when the rotation was planned. */
public record Move(String functionName, String fromArn) {
}
