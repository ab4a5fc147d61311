//! Raw deflate streams written bit by bit, for the decompression-bomb tests.

/// LSB-first bit writer for raw deflate.
pub struct Bits {
    pub out: Vec<u8>,
    pub acc: u64,
    pub n: u32,
}

impl Bits {
    pub fn new() -> Self {
        Bits {
            out: Vec::new(),
            acc: 0,
            n: 0,
        }
    }
    pub fn put(&mut self, value: u64, len: u32) {
        self.acc |= value << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }
    /// A Huffman code, written most significant bit first.
    pub fn code(&mut self, code: u64, len: u32) {
        let mut rev = 0;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.put(rev, len);
    }
    /// A literal byte in the fixed Huffman code.
    pub fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + b as u64, 8);
        } else {
            self.code(0x190 + (b - 144) as u64, 9);
        }
    }
    pub fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}
