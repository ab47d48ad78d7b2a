package dev.mtlscli.fakeaws;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The tokens of a DynamoDB condition or update expression, read left to right with one token of look-ahead. */
final class DynamoDbExpressionTokens {
    enum Kind { WORD, NAME_PLACEHOLDER, VALUE_PLACEHOLDER, SYMBOL, END }

    record Token(Kind kind, String text, int offset) {
        boolean is(String symbolOrKeyword) {
            return (kind == Kind.SYMBOL && text.equals(symbolOrKeyword))
                    || (kind == Kind.WORD && text.toUpperCase(Locale.ROOT).equals(symbolOrKeyword));
        }
    }

    private final String text;
    private final String expressionKind;
    private final List<Token> tokens;
    private int position;

    DynamoDbExpressionTokens(String text, String expressionKind) throws AwsError {
        this.text = text;
        this.expressionKind = expressionKind;
        this.tokens = tokenize(text);
    }

    Token peek() {
        return tokens.get(position);
    }

    /** The token after the next one: a word followed by "(" is a function call. */
    Token peekSecond() {
        return tokens.get(Math.min(position + 1, tokens.size() - 1));
    }

    Token next() {
        Token token = tokens.get(position);
        if (token.kind() != Kind.END) {
            position++;
        }
        return token;
    }

    /** Consumes the token if it is this symbol or keyword. */
    boolean accept(String symbolOrKeyword) {
        if (peek().is(symbolOrKeyword)) {
            next();
            return true;
        }
        return false;
    }

    void expect(String symbol) throws AwsError {
        if (!accept(symbol)) {
            throw syntaxError(peek());
        }
    }

    boolean atEnd() {
        return peek().kind() == Kind.END;
    }

    /** DynamoDB's wording: the token it stopped at and the text around it. */
    AwsError syntaxError(Token token) {
        String shown = token.kind() == Kind.END ? "<EOF>" : token.text();
        int from = Math.max(0, token.offset() - 8);
        int to = Math.min(text.length(), token.offset() + Math.max(1, token.text().length()) + 8);
        return AwsError.validation("Invalid " + expressionKind + ": Syntax error; token: \"" + shown + "\", near: \""
                + text.substring(from, to).trim() + "\"");
    }

    AwsError invalid(String what) {
        return AwsError.validation("Invalid " + expressionKind + ": " + what);
    }

    String expressionKind() {
        return expressionKind;
    }

    private List<Token> tokenize(String text) throws AwsError {
        List<Token> list = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#' || c == ':') {
                int end = wordEnd(text, i + 1);
                if (end == i + 1) {
                    throw syntaxError(new Token(Kind.SYMBOL, String.valueOf(c), i));
                }
                list.add(new Token(c == '#' ? Kind.NAME_PLACEHOLDER : Kind.VALUE_PLACEHOLDER, text.substring(i, end), i));
                i = end;
            } else if (Character.isLetter(c) || c == '_') {
                int end = wordEnd(text, i);
                list.add(new Token(Kind.WORD, text.substring(i, end), i));
                i = end;
            } else if (text.startsWith("<>", i) || text.startsWith("<=", i) || text.startsWith(">=", i)) {
                list.add(new Token(Kind.SYMBOL, text.substring(i, i + 2), i));
                i += 2;
            } else if ("()=<>,.[]+-".indexOf(c) >= 0) {
                list.add(new Token(Kind.SYMBOL, String.valueOf(c), i));
                i++;
            } else {
                throw AwsError.validation("Invalid " + expressionKind + ": Invalid token; token: \"" + c + "\", near: \""
                        + text.substring(Math.max(0, i - 8), Math.min(text.length(), i + 8)).trim() + "\"");
            }
        }
        list.add(new Token(Kind.END, "", text.length()));
        return list;
    }

    private static int wordEnd(String text, int from) {
        int end = from;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
            end++;
        }
        return end;
    }
}
