package dev.mtlscli.fakeaws;

import dev.mtlscli.fakeaws.DynamoDbExpressionTokens.Kind;
import dev.mtlscli.fakeaws.DynamoDbExpressionTokens.Token;
import java.util.Map;
import java.util.Set;

/**
 * A ConditionExpression, parsed and checked when the request arrives (as DynamoDB does: a bad
 * expression is a ValidationException whatever the item holds) and evaluated against the item
 * as it is at the moment of the write.
 *
 * <p>The subset the fake speaks: comparisons ({@code = <> < <= > >=}) of top-level attributes
 * and values, {@code attribute_exists}, {@code attribute_not_exists}, {@code AND}, {@code OR},
 * {@code NOT} and parentheses, with DynamoDB's precedence (NOT, then AND, then OR). The rest of the
 * language (BETWEEN, IN, begins_with, size, nested paths ...) is refused with a message that says
 * the fake does not implement it, so that a test never passes on a condition the fake ignored.
 */
interface DynamoDbCondition {
    String KIND = "ConditionExpression";

    /** Whether the item (null when there is none) passes. */
    boolean test(Map<String, Map<String, Object>> item);

    static DynamoDbCondition parse(String text, DynamoDbSubstitutions substitutions) throws AwsError {
        if (text.isBlank()) {
            throw AwsError.validation("Invalid ConditionExpression: The expression can not be empty;");
        }
        DynamoDbExpressionTokens tokens = new DynamoDbExpressionTokens(text, KIND);
        DynamoDbCondition condition = new Parser(tokens, substitutions).or();
        if (!tokens.atEnd()) {
            throw tokens.syntaxError(tokens.peek());
        }
        return condition;
    }

    /** A top-level attribute or a value, as a comparison's side. */
    interface Operand {
        Map<String, Object> of(Map<String, Map<String, Object>> item);
    }

    final class Parser {
        private static final Set<String> COMPARATORS = Set.of("=", "<>", "<", "<=", ">", ">=");
        private static final Set<String> FUNCTIONS_NOT_IMPLEMENTED = Set.of("begins_with", "contains", "size", "attribute_type");

        private final DynamoDbExpressionTokens tokens;
        private final DynamoDbSubstitutions substitutions;

        Parser(DynamoDbExpressionTokens tokens, DynamoDbSubstitutions substitutions) {
            this.tokens = tokens;
            this.substitutions = substitutions;
        }

        DynamoDbCondition or() throws AwsError {
            DynamoDbCondition left = and();
            while (tokens.accept("OR")) {
                DynamoDbCondition first = left;
                DynamoDbCondition second = and();
                left = item -> first.test(item) || second.test(item);
            }
            return left;
        }

        private DynamoDbCondition and() throws AwsError {
            DynamoDbCondition left = not();
            while (tokens.accept("AND")) {
                DynamoDbCondition first = left;
                DynamoDbCondition second = not();
                left = item -> first.test(item) && second.test(item);
            }
            return left;
        }

        private DynamoDbCondition not() throws AwsError {
            if (tokens.accept("NOT")) {
                DynamoDbCondition inner = not();
                return item -> !inner.test(item);
            }
            return primary();
        }

        private DynamoDbCondition primary() throws AwsError {
            if (tokens.accept("(")) {
                DynamoDbCondition inner = or();
                tokens.expect(")");
                return inner;
            }
            Token token = tokens.peek();
            if (token.kind() == Kind.WORD && tokens.peekSecond().is("(")) {
                return function(tokens.next());
            }
            Operand left = operand();
            Token comparator = tokens.next();
            if (comparator.is("BETWEEN") || comparator.is("IN")) {
                throw tokens.invalid("fake-aws does not implement " + comparator.text().toUpperCase(java.util.Locale.ROOT));
            }
            if (comparator.kind() != Kind.SYMBOL || !COMPARATORS.contains(comparator.text())) {
                throw tokens.syntaxError(comparator);
            }
            Operand right = operand();
            String op = comparator.text();
            checkOrderable(op, left);
            checkOrderable(op, right);
            return item -> {
                Map<String, Object> a = left.of(item);
                Map<String, Object> b = right.of(item);
                if (a == null || b == null) {
                    return false; // a comparison with a missing attribute is false, <> too
                }
                switch (op) {
                    case "=":
                        return DynamoDbValues.same(a, b);
                    case "<>":
                        return !DynamoDbValues.same(a, b);
                    default:
                        Integer order = DynamoDbValues.compare(a, b);
                        if (order == null) {
                            return false;
                        }
                        return switch (op) {
                            case "<" -> order < 0;
                            case "<=" -> order <= 0;
                            case ">" -> order > 0;
                            default -> order >= 0;
                        };
                }
            };
        }

        private DynamoDbCondition function(Token name) throws AwsError {
            String function = name.text();
            if (FUNCTIONS_NOT_IMPLEMENTED.contains(function)) {
                throw tokens.invalid("fake-aws does not implement the function " + function);
            }
            if (!function.equals("attribute_exists") && !function.equals("attribute_not_exists")) {
                throw tokens.invalid("Invalid function name; function: " + function);
            }
            tokens.expect("(");
            Token argument = tokens.peek();
            if (argument.kind() == Kind.VALUE_PLACEHOLDER) {
                Map<String, Object> value = substitutions.value(tokens.next().text(), DynamoDbCondition.KIND);
                throw tokens.invalid("Incorrect operand type for operator or function; operator or function: " + function
                        + ", operand type: " + DynamoDbValues.type(value));
            }
            String attribute = path();
            tokens.expect(")");
            boolean exists = function.equals("attribute_exists");
            return item -> (item != null && item.containsKey(attribute)) == exists;
        }

        private Operand operand() throws AwsError {
            Token token = tokens.peek();
            if (token.kind() == Kind.VALUE_PLACEHOLDER) {
                Map<String, Object> value = substitutions.value(tokens.next().text(), DynamoDbCondition.KIND);
                return new ValueOperand(value);
            }
            String attribute = path();
            return item -> item == null ? null : item.get(attribute);
        }

        /** A top-level attribute name, spelled out or as a #placeholder. */
        String path() throws AwsError {
            return DynamoDbUpdate.path(tokens, substitutions);
        }

        private void checkOrderable(String op, Operand operand) throws AwsError {
            if (op.equals("=") || op.equals("<>") || !(operand instanceof ValueOperand literal)) {
                return;
            }
            String type = DynamoDbValues.type(literal.value());
            if (!DynamoDbValues.orderable(type)) {
                throw tokens.invalid("Incorrect operand type for operator or function; operator or function: " + op
                        + ", operand type: " + type);
            }
        }
    }

    record ValueOperand(Map<String, Object> value) implements Operand {
        @Override
        public Map<String, Object> of(Map<String, Map<String, Object>> item) {
            return value;
        }
    }
}
