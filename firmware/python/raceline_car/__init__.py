"""Raceline reference car runtime for Raspberry Pi-class cars (Python 3, numpy).

Implements the car side of the Raceline car link (docs/car-protocol.md in the Raceline repository):
COBS-framed messages with a CRC-32 per frame, uploads into the inactive of two model slots, SHA-256
verification, an atomic slot switch, inference of the uploaded car pack, and telemetry.
"""

FIRMWARE = "raceline-python 1"
