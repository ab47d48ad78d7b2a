package dev.mtlscli.workspace;

/** One file of a created workspace; service is null for files shared by all services. */
public record WrittenFile(String path, FileRole role, String service) {
}
