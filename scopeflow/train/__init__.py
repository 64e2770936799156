"""Training: optimizers and their update ops, slots, global step, schedules, moving averages."""
