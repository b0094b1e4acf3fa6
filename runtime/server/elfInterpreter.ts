import { closeSync, openSync, readSync } from 'node:fs';

/** ELF program header type of the entry that names the dynamic loader. */
const ptInterp = 3;

/**
 * Reads the dynamic loader path (PT_INTERP) of a 64-bit little-endian ELF
 * executable, such as `/lib64/ld-linux-x86-64.so.2` for glibc on x86-64.
 * Returns undefined for other files and for static executables.
 */
export function elfInterpreter(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const header = read(fd, 0, 64);
    const isElf64LittleEndian = header.readUInt32BE(0) === 0x7f454c46 && header[4] === 2 && header[5] === 1;
    if (!isElf64LittleEndian) {
      return undefined;
    }

    const programHeaderOffset = Number(header.readBigUInt64LE(32));
    const programHeaderSize = header.readUInt16LE(54);
    const programHeaderCount = header.readUInt16LE(56);
    for (let index = 0; index < programHeaderCount; index++) {
      const entry = read(fd, programHeaderOffset + index * programHeaderSize, programHeaderSize);
      if (entry.readUInt32LE(0) !== ptInterp) {
        continue;
      }
      const offset = Number(entry.readBigUInt64LE(8));
      const size = Number(entry.readBigUInt64LE(32));
      // The stored path ends with a NUL byte.
      return read(fd, offset, size).toString('utf8').replace(/\0+$/, '');
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function read(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const bytesRead = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
