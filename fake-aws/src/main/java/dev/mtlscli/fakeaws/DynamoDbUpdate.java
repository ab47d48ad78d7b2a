package dev.mtlscli.fakeaws;

import dev.mtlscli.fakeaws.DynamoDbExpressionTokens.Kind;
import dev.mtlscli.fakeaws.DynamoDbExpressionTokens.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An UpdateExpression: {@code SET a = :v, b = c} and {@code REMOVE a, b} clauses, each at most
 * once, on top-level attributes, no two actions on the same attribute. ADD, DELETE, arithmetic
 * and the functions (if_not_exists, list_append) are refused as not implemented by the fake.
 */
final class DynamoDbUpdate {
    static final String KIND = "UpdateExpression";

    private final Map<String, DynamoDbCondition.Operand> sets;
    private final List<String> removes;

    private DynamoDbUpdate(Map<String, DynamoDbCondition.Operand> sets, List<String> removes) {
        this.sets = sets;
        this.removes = removes;
    }

    static DynamoDbUpdate parse(String text, DynamoDbSubstitutions substitutions) throws AwsError {
        DynamoDbExpressionTokens tokens = new DynamoDbExpressionTokens(text, KIND);
        if (tokens.atEnd()) {
            throw AwsError.validation("Invalid UpdateExpression: The expression can not be empty;");
        }
        Map<String, DynamoDbCondition.Operand> sets = new LinkedHashMap<>();
        List<String> removes = new ArrayList<>();
        Set<String> clauses = new LinkedHashSet<>();
        Set<String> touched = new LinkedHashSet<>();
        while (!tokens.atEnd()) {
            Token clause = tokens.next();
            String keyword = clause.kind() == Kind.WORD ? clause.text().toUpperCase(java.util.Locale.ROOT) : "";
            if (keyword.equals("ADD") || keyword.equals("DELETE")) {
                throw tokens.invalid("fake-aws does not implement the " + keyword + " clause");
            }
            if (!keyword.equals("SET") && !keyword.equals("REMOVE")) {
                throw tokens.syntaxError(clause);
            }
            if (!clauses.add(keyword)) {
                throw tokens.invalid("The \"" + keyword + "\" section can only be used once in an update expression;");
            }
            do {
                String attribute = path(tokens, substitutions);
                if (!touched.add(attribute)) {
                    throw tokens.invalid("Two document paths overlap with each other; must remove or rewrite one of these paths; "
                            + "path one: [" + attribute + "], path two: [" + attribute + "]");
                }
                if (keyword.equals("REMOVE")) {
                    removes.add(attribute);
                    continue;
                }
                tokens.expect("=");
                sets.put(attribute, setValue(tokens, substitutions));
            } while (tokens.accept(","));
        }
        return new DynamoDbUpdate(sets, removes);
    }

    /** Every attribute the update sets or removes, to check that no key attribute is among them. */
    Set<String> attributes() {
        Set<String> all = new LinkedHashSet<>(sets.keySet());
        all.addAll(removes);
        return all;
    }

    /** The item after the update; {@code item} is null for an item that does not exist yet. */
    Map<String, Map<String, Object>> apply(Map<String, Map<String, Object>> item) throws AwsError {
        Map<String, Map<String, Object>> updated = new LinkedHashMap<>(item == null ? Map.of() : item);
        for (Map.Entry<String, DynamoDbCondition.Operand> set : sets.entrySet()) {
            Map<String, Object> value = set.getValue().of(item);
            if (value == null) {
                throw AwsError.validation("The provided expression refers to an attribute that does not exist in the item");
            }
            updated.put(set.getKey(), value);
        }
        removes.forEach(updated::remove);
        return updated;
    }

    private static DynamoDbCondition.Operand setValue(DynamoDbExpressionTokens tokens, DynamoDbSubstitutions substitutions)
            throws AwsError {
        Token token = tokens.peek();
        if (token.kind() == Kind.WORD && tokens.peekSecond().is("(")) {
            throw tokens.invalid("fake-aws does not implement the function " + token.text());
        }
        DynamoDbCondition.Operand operand;
        if (token.kind() == Kind.VALUE_PLACEHOLDER) {
            operand = new DynamoDbCondition.ValueOperand(substitutions.value(tokens.next().text(), KIND));
        } else {
            String attribute = path(tokens, substitutions);
            operand = item -> item == null ? null : item.get(attribute);
        }
        if (tokens.peek().is("+") || tokens.peek().is("-")) {
            throw tokens.invalid("fake-aws does not implement arithmetic (" + tokens.peek().text() + ") in SET");
        }
        return operand;
    }

    /** A top-level attribute name, spelled out or as a #placeholder; nested paths are not implemented. */
    static String path(DynamoDbExpressionTokens tokens, DynamoDbSubstitutions substitutions) throws AwsError {
        Token token = tokens.next();
        String name;
        if (token.kind() == Kind.NAME_PLACEHOLDER) {
            name = substitutions.name(token.text(), tokens.expressionKind());
        } else if (token.kind() == Kind.WORD && !isKeyword(token)) {
            name = token.text();
        } else {
            throw tokens.syntaxError(token);
        }
        if (tokens.peek().is(".") || tokens.peek().is("[")) {
            throw tokens.invalid("fake-aws does not implement nested document paths (" + token.text() + tokens.peek().text() + "...)");
        }
        return name;
    }

    private static boolean isKeyword(Token token) {
        return token.is("AND") || token.is("OR") || token.is("NOT") || token.is("BETWEEN") || token.is("IN")
                || token.is("SET") || token.is("REMOVE") || token.is("ADD") || token.is("DELETE");
    }
}
