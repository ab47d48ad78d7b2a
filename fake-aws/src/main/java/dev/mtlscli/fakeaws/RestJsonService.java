package dev.mtlscli.fakeaws;

import java.util.List;

/** A service spoken in the AWS REST-JSON protocol: operations told apart by method and path. */
interface RestJsonService {

    /** The SigV4 signing name, e.g. {@code lambda}. */
    String signingName();

    /** The operations served, each with its request URI from the service model. */
    List<RestRoute> routes();

    /** Operations whose body is not a JSON object (a blob payload), so the handler does not parse it. */
    default boolean rawBody(String operation) {
        return false;
    }

    /**
     * Refuses a request body over the operation's size limit, before it is parsed, as the service's
     * front end does (Lambda: 413 for a layer archive over 50 MiB, or an Invoke payload over 6 MB).
     */
    default void checkRequestSize(String operation, long bodyBytes) throws AwsError {
    }

    /**
     * Refuses a call over the service's request-rate quota of the caller's account and region, as
     * the service's front end does; admitted calls count against the quota.
     */
    default void admit(String operation) throws AwsError {
    }

    /** The service's answer to a throttled call, e.g. 429 TooManyRequestsException for Lambda. */
    AwsError throttle();

    /** Runs a routed operation. */
    RestAnswer call(RestCall call) throws AwsError;
}
