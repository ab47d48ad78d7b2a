package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsCalls;
import dev.mtlscli.aws.AwsService;
import software.amazon.awssdk.services.organizations.OrganizationsClient;
import software.amazon.awssdk.services.organizations.model.Organization;
import software.amazon.awssdk.services.ram.RamClient;
import software.amazon.awssdk.services.ram.model.ResourceShare;
import software.amazon.awssdk.services.ram.model.ResourceShareAssociation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Shares a service's release parameter (PREFIX latest-layer-version-arn) through AWS RAM with
 * the accounts and the organization the layer is granted to, so that their IaC can read it by
 * its ARN. One share per service, {@code mtls-cli-<service>-release}, found by name and topped
 * up with what it lacks, so a re-run adds nothing twice.
 */
public final class ReleaseShare {
    private final RamClient ram;
    private final Supplier<OrganizationsClient> organizations;
    private final Consumer<String> progress;

    public ReleaseShare(RamClient ram, Supplier<OrganizationsClient> organizations, Consumer<String> progress) {
        this.ram = ram;
        this.organizations = organizations;
        this.progress = progress;
    }

    public static String shareName(String service) {
        return "mtls-cli-" + service + "-release";
    }

    /** RAM's principals for the grants, without the owner's own account; refused for a public layer. */
    public List<String> principals(List<Grant> grants, String ownAccount) {
        Set<String> principals = new LinkedHashSet<>();
        for (Grant grant : grants) {
            switch (grant.kind()) {
                case PUBLIC -> throw new MtlsException("--share-release-parameter shares with named accounts and organizations; "
                        + "a public layer's parameter cannot be shared with everyone");
                case ACCOUNT -> {
                    if (!grant.grantee().equals(ownAccount)) {
                        principals.add(grant.grantee());
                    }
                }
                case ORGANIZATION -> principals.add(organizationArn(grant.grantee()));
            }
        }
        return List.copyOf(principals);
    }

    private String organizationArn(String organizationId) {
        Organization own = AwsCalls.call(AwsService.ORGANIZATIONS, "DescribeOrganization",
                () -> organizations.get().describeOrganization().organization());
        if (!own.id().equals(organizationId)) {
            throw new MtlsException("--share-release-parameter can share with the caller's own organization " + own.id()
                    + " only, not " + organizationId + " (RAM shares within an organization by its ARN)");
        }
        return own.arn();
    }

    /** @return whether RAM was changed */
    public boolean ensure(String service, String parameterArn, List<String> principals) {
        if (principals.isEmpty()) {
            throw new MtlsException("--share-release-parameter: the layer of " + service + " is granted to no other account or "
                    + "organization, so there is nobody to share its release parameter with");
        }
        String name = shareName(service);
        List<ResourceShare> found = AwsCalls.call(AwsService.RAM, "GetResourceShares " + name,
                () -> ram.getResourceShares(b -> b.resourceOwner("SELF").name(name).resourceShareStatus("ACTIVE")).resourceShares());
        if (found.isEmpty()) {
            // accounts outside the organization get an invitation; inside it, RAM shares directly
            boolean external = principals.stream().anyMatch(p -> p.matches("\\d{12}"));
            AwsCalls.call(AwsService.RAM, "CreateResourceShare " + name, () -> ram.createResourceShare(b -> b.name(name)
                    .resourceArns(parameterArn).principals(principals).allowExternalPrincipals(external)));
            progress.accept(name + ": shares " + parameterArn + " with " + String.join(", ", principals));
            return true;
        }
        if (found.size() > 1) {
            throw new MtlsException("there are " + found.size() + " RAM shares named " + name + "; mtls-cli keeps one, remove the others");
        }
        String shareArn = found.get(0).resourceShareArn();
        List<String> resources = entities(shareArn, "RESOURCE");
        List<String> sharedWith = entities(shareArn, "PRINCIPAL");
        List<String> missingResources = resources.contains(parameterArn) ? List.of() : List.of(parameterArn);
        List<String> missingPrincipals = new ArrayList<>(principals);
        missingPrincipals.removeAll(sharedWith);
        if (missingResources.isEmpty() && missingPrincipals.isEmpty()) {
            return false;
        }
        AwsCalls.call(AwsService.RAM, "AssociateResourceShare " + name, () -> ram.associateResourceShare(b -> {
            b.resourceShareArn(shareArn);
            if (!missingResources.isEmpty()) {
                b.resourceArns(missingResources);
            }
            if (!missingPrincipals.isEmpty()) {
                b.principals(missingPrincipals);
            }
        }));
        progress.accept(name + ": now also shared with " + String.join(", ", missingPrincipals.isEmpty() ? missingResources : missingPrincipals));
        return true;
    }

    private List<String> entities(String shareArn, String type) {
        return AwsCalls.call(AwsService.RAM, "GetResourceShareAssociations " + shareArn, () -> ram.getResourceShareAssociationsPaginator(
                b -> b.associationType(type).resourceShareArns(shareArn)).stream()
                .flatMap(page -> page.resourceShareAssociations().stream())
                .filter(a -> a.statusAsString() == null || !List.of("DISASSOCIATED", "FAILED").contains(a.statusAsString()))
                .map(ResourceShareAssociation::associatedEntity).toList());
    }
}
