package dev.mtlscli.infra.rotator;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.Errors;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rotation run as a state machine (the handler's contract: actions targets, slice, report):
 * <pre>
 *   Targets -> Each target (Map over $.publishers) -> Each member target (Map over $.members) -> Report
 *                 Slice -> More to do? --done:false--> Next slice -> Slice
 *                                      --otherwise--> Target done
 *                 Slice caught: LeaseBusy -> Target busy; anything else -> Target failed
 * </pre>
 * The publishers are the rotator's own account-regions, which renew and publish each layer; the
 * members' functions move to what they published, so their Map (the same loop, its states named
 * "Member ...") starts when the publishers' has finished.
 * An item carries {runId, target, cursor, moved, renewed, failures}: the counters add up over
 * the slices, so that each item ends as one slice output for the whole target. A caught error
 * ends the item, not the run: Target failed counts one more failure (the report then fails the
 * execution), Target busy counts none (another rotation is doing the work).
 */
final class RotatorDefinition {
    static final String TARGETS = "Targets";
    static final String EACH_TARGET = "Each target";
    static final String EACH_MEMBER = "Each member target";
    /** Before the names of the member Map's states. */
    static final String MEMBER = "Member ";
    static final String SLICE = "Slice";
    static final String MORE_TO_DO = "More to do?";
    static final String NEXT_SLICE = "Next slice";
    static final String TARGET_DONE = "Target done";
    static final String TARGET_BUSY = "Target busy";
    static final String TARGET_FAILED = "Target failed";
    static final String REPORT = "Report";
    private static final Duration MAX_DELAY = Duration.minutes(10);

    private RotatorDefinition() {
    }

    static IChainable build(Construct scope, IFunction function, int maxConcurrency) {
        LambdaInvoke targets = invoke(scope, TARGETS, function, Map.of("action", "targets"),
                Map.of("runId.$", "$.Payload.runId", "publishers.$", "$.Payload.publishers", "members.$", "$.Payload.members"), null);
        retryTransient(targets);

        software.amazon.awscdk.services.stepfunctions.Map publishers = eachTarget(scope, "", EACH_TARGET, "$.publishers",
                "$.results", function, maxConcurrency);
        software.amazon.awscdk.services.stepfunctions.Map members = eachTarget(scope, MEMBER, EACH_MEMBER, "$.members",
                "$.memberResults", function, maxConcurrency);

        LambdaInvoke report = invoke(scope, REPORT, function,
                Map.of("action", "report", "runId.$", "$.runId", "results.$", "$.results", "memberResults.$", "$.memberResults"),
                Map.of("failed.$", "$.Payload.failed"), null);
        // RotationFailed is the run's verdict: never retried, it fails the execution
        retryTransient(report);

        // the members move to the versions the publishers released in this run, so they come after them
        return targets.next(publishers).next(members).next(report);
    }

    /**
     * A Map over the targets at {@code itemsPath}, each a loop of slices; the states of the member
     * Map carry {@code prefix} in their names, since a state machine names each state once.
     */
    private static software.amazon.awscdk.services.stepfunctions.Map eachTarget(Construct scope, String prefix, String name,
                                                                               String itemsPath, String resultPath, IFunction function,
                                                                               int maxConcurrency) {
        LambdaInvoke slice = invoke(scope, prefix + SLICE, function,
                Map.of("action", "slice", "runId.$", "$.runId", "target.$", "$.target", "cursor.$", "$.cursor"),
                Map.of("done.$", "$.Payload.done", "cursor.$", "$.Payload.cursor",
                        "moved.$", "$.Payload.moved", "renewed.$", "$.Payload.renewed", "failures.$", "$.Payload.failures"),
                "$.slice");
        retryTransient(slice);
        // the slice's markers make a killed slice safe to run again from the same cursor
        slice.addRetry(retry(RotatorErrors.LAMBDA_KILLED, Duration.seconds(5), 2, 1));
        // a person's rotate or a crashed holder's lease, which expires: wait minutes, not seconds (about 25 min in all),
        // without jitter, which would shorten the wait
        slice.addRetry(RetryProps.builder().errors(RotatorErrors.LEASE_BUSY).interval(Duration.seconds(60)).backoffRate(2)
                .maxAttempts(5).maxDelay(MAX_DELAY).build());

        Pass nextSlice = Pass.Builder.create(scope, prefix + NEXT_SLICE)
                .comment("the next slice starts where this one stopped, with the counters so far")
                .parameters(item("$.slice.cursor", true))
                .build();
        Pass targetDone = Pass.Builder.create(scope, prefix + TARGET_DONE)
                .parameters(outcome(item("$.slice.cursor", true)))
                .build();
        Choice moreToDo = Choice.Builder.create(scope, prefix + MORE_TO_DO).build()
                .when(Condition.booleanEquals("$.slice.done", false), nextSlice.next(slice))
                .otherwise(targetDone);

        Map<String, Object> busy = outcome(item("$.cursor", false));
        busy.put("busy", true);
        busy.put("error.$", "$.error.Error");
        busy.put("cause.$", "$.error.Cause");
        Pass targetBusy = Pass.Builder.create(scope, prefix + TARGET_BUSY)
                .comment("another rotation holds this target's lease: not a failure of this run")
                .parameters(busy)
                .build();
        Map<String, Object> failed = outcome(item("$.cursor", false));
        failed.remove("failures.$");
        failed.put("failures", JsonPath.mathAdd(JsonPath.numberAt("$.failures"), 1));
        failed.put("error.$", "$.error.Error");
        failed.put("cause.$", "$.error.Cause");
        Pass targetFailed = Pass.Builder.create(scope, prefix + TARGET_FAILED)
                .comment("this target failed; the others go on, and the report fails the execution")
                .parameters(failed)
                .build();
        // the first matching catcher wins: LeaseBusy before the catch-all
        slice.addCatch(targetBusy, CatchProps.builder().errors(RotatorErrors.LEASE_BUSY).resultPath("$.error").build());
        slice.addCatch(targetFailed, CatchProps.builder().errors(List.of(Errors.ALL)).resultPath("$.error").build());

        Map<String, Object> firstItem = new HashMap<>();
        firstItem.put("runId.$", "$.runId");
        firstItem.put("target.$", "$$.Map.Item.Value");
        // the first slice has no cursor: a JSON null, which the CDK would drop from a map as a Java null
        firstItem.put("cursor.$", "States.StringToJson('null')");
        firstItem.put("moved", 0);
        firstItem.put("renewed", 0);
        firstItem.put("failures", 0);
        software.amazon.awscdk.services.stepfunctions.Map each = software.amazon.awscdk.services.stepfunctions.Map.Builder
                .create(scope, name)
                .itemsPath(itemsPath)
                .maxConcurrency(maxConcurrency)
                .itemSelector(firstItem)
                .resultPath(resultPath)
                .build();
        each.itemProcessor(slice.next(moreToDo));
        return each;
    }

    /**
     * The item's next state: from the slice just run when {@code sliceRan} (cursor from it,
     * counters added), else as the item stands (a caught error leaves no slice output).
     */
    private static Map<String, Object> item(String cursorPath, boolean sliceRan) {
        Map<String, Object> next = new HashMap<>();
        next.put("runId.$", "$.runId");
        next.put("target.$", "$.target");
        next.put("cursor.$", cursorPath);
        for (String counter : List.of("moved", "renewed", "failures")) {
            if (sliceRan) { // the CDK names the field counter.$ itself for an intrinsic
                next.put(counter, JsonPath.mathAdd(JsonPath.numberAt("$." + counter), JsonPath.numberAt("$.slice." + counter)));
            } else {
                next.put(counter + ".$", "$." + counter);
            }
        }
        return next;
    }

    /** An item's final output, shaped as a slice output for the whole target (what the report reads). */
    private static Map<String, Object> outcome(Map<String, Object> item) {
        Map<String, Object> outcome = new HashMap<>(item);
        outcome.remove("runId.$");
        outcome.put("done", true);
        return outcome;
    }

    private static LambdaInvoke invoke(Construct scope, String name, IFunction function, Map<String, Object> payload,
                                       Map<String, Object> selector, String resultPath) {
        LambdaInvoke.Builder task = LambdaInvoke.Builder.create(scope, name)
                .lambdaFunction(function)
                .payload(TaskInput.fromObject(payload))
                .resultSelector(selector)
                // the retries below are the whole policy, each visible in the definition
                .retryOnServiceExceptions(false);
        if (resultPath != null) {
            task.resultPath(resultPath);
        }
        return task.build();
    }

    /** Lambda's transient errors and throttling, and the rotator's own Throttled: back off and try again. */
    private static void retryTransient(LambdaInvoke task) {
        task.addRetry(retry(RotatorErrors.LAMBDA_SERVICE, Duration.seconds(2), 2, 6));
        task.addRetry(retry(RotatorErrors.LAMBDA_THROTTLING, Duration.seconds(5), 2, 8));
        task.addRetry(retry(RotatorErrors.THROTTLED, Duration.seconds(10), 2, 6));
    }

    private static RetryProps retry(List<String> errors, Duration interval, double backoff, int attempts) {
        return RetryProps.builder()
                .errors(errors)
                .interval(interval)
                .backoffRate(backoff)
                .maxAttempts(attempts)
                .maxDelay(MAX_DELAY)
                .jitterStrategy(JitterType.FULL)
                .build();
    }
}
