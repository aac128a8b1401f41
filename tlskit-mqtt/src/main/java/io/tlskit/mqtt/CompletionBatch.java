package io.tlskit.mqtt;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The future completions one turn of the command loop collected, run in order as one task (see
 * MqttClient.complete): futures, values and errors in parallel arrays, so a completion costs no
 * object of its own (a lambda per completed publish before).
 */
final class CompletionBatch implements Runnable {
    private CompletableFuture<?>[] futures;
    private Object[] values;
    private Throwable[] errors;
    private int size;

    CompletionBatch(int capacity) {
        int c = Math.max(capacity, 4);
        futures = new CompletableFuture<?>[c];
        values = new Object[c];
        errors = new Throwable[c];
    }

    /** Completes f with value, or exceptionally with error if that is not null, when the batch runs. */
    <T> void add(CompletableFuture<T> f, T value, Throwable error) {
        if (size == futures.length) {
            int c = size * 2;
            futures = Arrays.copyOf(futures, c);
            values = Arrays.copyOf(values, c);
            errors = Arrays.copyOf(errors, c);
        }
        futures[size] = f;
        values[size] = value;
        errors[size] = error;
        size++;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        for (int i = 0; i < size; i++) {
            CompletableFuture<Object> f = (CompletableFuture<Object>) futures[i];
            if (errors[i] != null) {
                f.completeExceptionally(errors[i]); // a dependent's exception stays in its own future
            } else {
                f.complete(values[i]);
            }
        }
    }
}
