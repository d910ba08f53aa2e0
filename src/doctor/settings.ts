// The `doctor` section of the credguard config (README: doctor).
import { readSection, type LoadedConfig } from '../core/config.js';
import { DOCTOR_DEFAULTS, type DoctorSettings } from './types.js';

export function doctorSettings(config: LoadedConfig): DoctorSettings {
  return readSection(config, 'doctor', { ...DOCTOR_DEFAULTS });
}
