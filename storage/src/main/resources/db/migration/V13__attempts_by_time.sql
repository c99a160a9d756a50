-- On start, warm-up's and pacing's counters are rebuilt from the attempts of the current day.
CREATE INDEX queue_attempts_at ON queue_attempts(at);
