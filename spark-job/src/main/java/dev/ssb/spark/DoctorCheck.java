package dev.ssb.spark;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * One line of {@code ssb doctor}: what was checked, what was found and, when it failed, how to fix
 * it.
 *
 * @param name what was checked, e.g. {@code libtorch}
 * @param ok whether the check passed
 * @param detail what was found
 * @param fix what to change when it failed; empty when it passed
 */
public record DoctorCheck(String name, boolean ok, String detail, String fix)
        implements Serializable {

    public DoctorCheck {
        requireNonNull(name, "name is null");
        requireNonNull(detail, "detail is null");
        requireNonNull(fix, "fix is null");
    }

    static DoctorCheck pass(String name, String detail) {
        return new DoctorCheck(name, true, detail, "");
    }

    static DoctorCheck fail(String name, String detail, String fix) {
        return new DoctorCheck(name, false, detail, fix);
    }
}
