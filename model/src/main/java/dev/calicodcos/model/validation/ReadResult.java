package dev.calicodcos.model.validation;

import dev.calicodcos.model.spec.CalicoCluster;
import java.util.List;

/** What reading a spec gave: a defaulted, valid cluster (perhaps with warnings), or the problems. */
public sealed interface ReadResult {

    List<Problem> problems();

    /** A cluster with every default filled in, as the controller sees it. */
    record Valid(CalicoCluster cluster, List<Problem> problems) implements ReadResult {
        public Valid {
            problems = List.copyOf(problems);
        }
    }

    record Invalid(List<Problem> problems) implements ReadResult {
        public Invalid {
            problems = List.copyOf(problems);
        }
    }
}
