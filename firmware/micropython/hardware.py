# Sensor and motor adapters for an ESP32 car: the only file to change for a particular car.
# Pins and parts below are an example (see README.md): a steering servo and an ESC on PWM pins,
# a battery divider on an ADC pin, and distance sensors or a small LiDAR for the observation.
from machine import ADC, PWM, Pin

SERVO_PIN = 18       # steering servo signal
ESC_PIN = 19         # ESC (drive motor) signal
BATTERY_PIN = 34     # battery through a 100k/33k divider
DIVIDER = (100 + 33) / 33
MAX_STEERING = 30.0  # degrees at full servo travel
MAX_SPEED = 4.0      # m/s at full throttle (calibrate!)

_servo = PWM(Pin(SERVO_PIN), freq=50)
_esc = PWM(Pin(ESC_PIN), freq=50)
_battery = ADC(Pin(BATTERY_PIN))
_battery.atten(ADC.ATTN_11DB)


def _pulse_us(pwm, us):
    pwm.duty_ns(int(us * 1000))


def set_motors(steering_deg, speed_mps):
    # 1500 us is centre/stop; +-500 us is full left/full speed. Positive steering = left.
    s = max(-1.0, min(1.0, steering_deg / MAX_STEERING))
    v = max(0.0, min(1.0, speed_mps / MAX_SPEED))
    _pulse_us(_servo, 1500 + 500 * s)
    _pulse_us(_esc, 1500 + 500 * v)


def stop():
    set_motors(0.0, 0.0)


def read_battery_mv():
    return int(_battery.read_uv() / 1000 * DIVIDER)


def read_speed():
    # m/s from a wheel encoder; 0 without one.
    return 0.0


def read_observation(sensors):
    # The model's observation: each sensor's values in pack order, in the simulator's units and
    # scaling (docs/car-protocol.md section 7), or None when this car cannot provide a sensor.
    # Example for a distance-sensor car: return [d / 2.0 for d in read_distances_m()] for a
    # sensor the simulator defines that way. Raceline's simulator offers TRACK_GEOMETRY only today.
    return None
