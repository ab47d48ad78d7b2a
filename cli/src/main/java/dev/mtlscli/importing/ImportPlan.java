package dev.mtlscli.importing;

import java.util.List;

/**
 * What an import found: the services to write, and what the user should know about the inputs
 * (leaf certificates trusted directly, certificates about to expire, CAs not carried over).
 */
public record ImportPlan(List<ImportedService> services, List<String> warnings, List<String> notes) {

    public ImportPlan {
        services = List.copyOf(services);
        warnings = List.copyOf(warnings);
        notes = List.copyOf(notes);
    }
}
