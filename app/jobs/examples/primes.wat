;; The prime sieve example (the Jobs view's one-click WebAssembly job): prints every prime below N, one a
;; line, through WASI. N is the first argument, else the decimal number the input starts with, else 100.
;; Compiled to primes-wasm.ts (base64) by wabt; test/sandbox-wasi.test.ts checks the two agree.
;; Memory: 0..64 scratch, 512 argv pointers, 1024..2047 argv strings or input, 2048..6143 output buffer,
;; 65536.. the sieve (one byte a number, 1 = composite).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 2)
  (global $out (mut i32) (i32.const 2048))

  (func $flush
    (i32.store (i32.const 0) (i32.const 2048))
    (i32.store (i32.const 4) (i32.sub (global.get $out) (i32.const 2048)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (global.set $out (i32.const 2048)))

  ;; Appends `n` in decimal and a newline to the output buffer, flushing it when nearly full.
  (func $print_line (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 48))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (i32.ne (local.get $n) (i32.const 0))))
    (if (i32.gt_u (global.get $out) (i32.const 6100)) (then (call $flush)))
    (memory.copy (global.get $out) (local.get $p) (i32.sub (i32.const 48) (local.get $p)))
    (global.set $out (i32.add (global.get $out) (i32.sub (i32.const 48) (local.get $p))))
    (i32.store8 (global.get $out) (i32.const 10))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))

  ;; The decimal number at `p` (digits up to the first other byte); -1 when there is none.
  (func $parse (param $p i32) (result i32)
    (local $n i32) (local $d i32) (local $any i32)
    (block $done
      (loop $next
        (local.set $d (i32.sub (i32.load8_u (local.get $p)) (i32.const 48)))
        (br_if $done (i32.gt_u (local.get $d) (i32.const 9)))
        (local.set $n (i32.add (i32.mul (local.get $n) (i32.const 10)) (local.get $d)))
        (local.set $any (i32.const 1))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $next)))
    (select (local.get $n) (i32.const -1) (local.get $any)))

  ;; N from the first argument, else from the input, else 100.
  (func $limit (result i32)
    (local $n i32)
    (drop (call $args_sizes_get (i32.const 16) (i32.const 20)))
    (if (i32.and (i32.ge_u (i32.load (i32.const 16)) (i32.const 2))
                 (i32.le_u (i32.load (i32.const 20)) (i32.const 1000)))
      (then
        (drop (call $args_get (i32.const 512) (i32.const 1024)))
        (local.set $n (call $parse (i32.load (i32.const 516))))
        (if (i32.ge_s (local.get $n) (i32.const 0)) (then (return (local.get $n))))))
    (i32.store (i32.const 24) (i32.const 1024))
    (i32.store (i32.const 28) (i32.const 1000))
    (i32.store8 (i32.const 1024) (i32.const 0))
    (drop (call $fd_read (i32.const 0) (i32.const 24) (i32.const 1) (i32.const 32)))
    (i32.store8 (i32.add (i32.const 1024) (i32.load (i32.const 32))) (i32.const 0))
    (local.set $n (call $parse (i32.const 1024)))
    (select (local.get $n) (i32.const 100) (i32.ge_s (local.get $n) (i32.const 0))))

  (func (export "_start")
    (local $n i32) (local $i i32) (local $j i32) (local $pages i32)
    (local.set $n (call $limit))
    ;; Grow the memory to hold the sieve; exit 1 when the job's memory cap refuses it.
    (local.set $pages (i32.sub (i32.add (i32.div_u (local.get $n) (i32.const 65536)) (i32.const 2))
                               (memory.size)))
    (if (i32.gt_s (local.get $pages) (i32.const 0))
      (then (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1)) (then (call $proc_exit (i32.const 1))))))
    (local.set $i (i32.const 2))
    (block $end
      (loop $each
        (br_if $end (i32.ge_u (local.get $i) (local.get $n)))
        (if (i32.eqz (i32.load8_u (i32.add (i32.const 65536) (local.get $i))))
          (then
            (call $print_line (local.get $i))
            (if (i32.le_u (local.get $i) (i32.div_u (local.get $n) (local.get $i)))
              (then
                (local.set $j (i32.mul (local.get $i) (local.get $i)))
                (block $marked
                  (loop $mark
                    (br_if $marked (i32.ge_u (local.get $j) (local.get $n)))
                    (i32.store8 (i32.add (i32.const 65536) (local.get $j)) (i32.const 1))
                    (local.set $j (i32.add (local.get $j) (local.get $i)))
                    (br $mark)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (call $flush)))
