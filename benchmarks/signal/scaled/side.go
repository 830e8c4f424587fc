package scaled

// scaleEnv is the variable this side reads. The experiment commits the base side
// with BENCHLENS_SIGNAL_SCALE_A and the head side with BENCHLENS_SIGNAL_SCALE_B, so
// one environment can slow down one side of an A/B run.
const scaleEnv = "BENCHLENS_SIGNAL_SCALE_B"
