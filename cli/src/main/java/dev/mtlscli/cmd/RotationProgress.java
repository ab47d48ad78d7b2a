package dev.mtlscli.cmd;

import dev.mtlscli.rotation.RotationObserver;

import java.io.PrintWriter;

/**
 * Shows a rotation as it goes: on a terminal one line rewritten in place with the counts, in a
 * log or pipe one plain line per step (a CI log should not fill with carriage returns).
 */
final class RotationProgress implements RotationObserver {
    private final PrintWriter out;
    private final boolean terminal;
    private final int total;
    private int moved;
    private int verified;
    private int rolledBack;

    RotationProgress(PrintWriter out, boolean terminal, int total) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
    }

    @Override
    public synchronized void done(String step, String detail) {
        switch (step) {
            case "moved" -> moved++;
            case "verified" -> verified++;
            case "rolled-back" -> rolledBack++;
            default -> {
            }
        }
        if (terminal && (step.equals("moved") || step.equals("verified") || step.equals("rolled-back"))) {
            out.print("\r  moved " + moved + "/" + total + (verified > 0 ? ", verified " + verified : "")
                    + (rolledBack > 0 ? ", rolled back " + rolledBack : "") + "   ");
        } else {
            if (terminal) {
                out.println();
            }
            out.println("  " + step + " " + detail);
        }
        out.flush();
    }

    /** Ends the in-place line, if one is open. */
    synchronized void finish() {
        if (terminal && moved + rolledBack > 0) {
            out.println();
            out.flush();
        }
    }
}
