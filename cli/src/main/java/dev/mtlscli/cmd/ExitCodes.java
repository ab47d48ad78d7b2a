package dev.mtlscli.cmd;

/** Exit codes of every command (DESIGN.md decision 10). */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** Done, but something needs attention, e.g. a certificate inside the warning window. */
    public static final int ATTENTION = 3;
    /** Not started: another run holds the rotation lease of the service (rotate --lease-table). */
    public static final int BUSY = 4;

    private ExitCodes() {
    }
}
