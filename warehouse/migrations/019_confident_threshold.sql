-- Issue 21. Events count as confident from 0.75 on: the lowest threshold at which the confidence model's
-- cross-validated predictions on the tune part keep events at least 90 % real (bench/train_event_confidence.py,
-- which checks it against transforms.events.CONFIDENT). Events with no confidence still count.
CREATE OR REPLACE MACRO is_confident(confidence) AS coalesce(confidence, 1.0) >= 0.75;
