package dev.mtlscli.fakeaws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS Organizations (JSON 1.1, global), as far as a fleet command needs it: ListAccounts of the
 * organization, paginated, for the management account only (a member account is refused, as
 * AWS refuses it).
 */
final class OrganizationsService implements JsonTargetService {
    static final int PAGE_SIZE = 2;

    private final String organizationId;
    private final String managementAccount;
    private final List<String> accounts;

    OrganizationsService(String organizationId, String managementAccount, List<String> accounts) {
        this.organizationId = organizationId;
        this.managementAccount = managementAccount;
        this.accounts = List.copyOf(accounts);
    }

    @Override
    public boolean global() {
        return true;
    }

    @Override
    public String signingName() {
        return "organizations";
    }

    @Override
    public String targetPrefix() {
        return "AWSOrganizationsV20161128";
    }

    @Override
    public String contentType() {
        return "application/x-amz-json-1.1";
    }

    @Override
    public Map<String, Object> call(String operation, Map<String, Object> input) throws AwsError {
        if ("DescribeOrganization".equals(operation)) {
            // any member may describe its organization, not only the management account
            Map<String, Object> organization = new java.util.LinkedHashMap<>();
            organization.put("Id", organizationId);
            organization.put("Arn", "arn:aws:organizations::" + managementAccount + ":organization/" + organizationId);
            organization.put("MasterAccountId", managementAccount);
            organization.put("FeatureSet", "ALL");
            return Map.of("Organization", organization);
        }
        if (!"ListAccounts".equals(operation)) {
            throw AwsError.badRequest("UnknownOperationException", "fake-aws Organizations serves ListAccounts and DescribeOrganization only");
        }
        if (!managementAccount.equals(JsonProtocolHandler.CALLER_ACCOUNT.get())) {
            throw new AwsError(400, "AccessDeniedException", "You don't have permissions to access this resource.");
        }
        int from = 0;
        Object token = input.get("NextToken");
        if (token != null) {
            try {
                from = Integer.parseInt(token.toString());
            } catch (NumberFormatException e) {
                throw AwsError.badRequest("InvalidInputException", "The NextToken is not valid.");
            }
        }
        List<Object> page = new ArrayList<>();
        for (int i = from; i < Math.min(accounts.size(), from + PAGE_SIZE); i++) {
            String id = accounts.get(i);
            Map<String, Object> account = new LinkedHashMap<>();
            account.put("Id", id);
            account.put("Arn", "arn:aws:organizations::" + managementAccount + ":account/" + organizationId + "/" + id);
            account.put("Email", "aws+" + id + "@example.com");
            account.put("Name", "account-" + id);
            account.put("Status", "ACTIVE");
            account.put("JoinedMethod", id.equals(managementAccount) ? "CREATED" : "INVITED");
            account.put("JoinedTimestamp", Instant.parse("2024-01-01T00:00:00Z").getEpochSecond());
            page.add(account);
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("Accounts", page);
        if (from + PAGE_SIZE < accounts.size()) {
            output.put("NextToken", Integer.toString(from + PAGE_SIZE));
        }
        return output;
    }
}
