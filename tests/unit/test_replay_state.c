/* SPDX-License-Identifier: Apache-2.0 */
/* The replay backend's vCPU and VM state (accel_ops.vcpu_save and
 * friends): every register survives a round trip into a fresh vCPU, and a
 * short, mistagged or over-long blob is refused without touching it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backends/replay/replay_accel.h"
#include "vmm/replay/replay.h"

static const struct accel_ops *const rp = &replay_accel_ops;

struct two {
	struct accel_vm *vm;
	struct accel_vcpu *a, *b;
};

static void two_new(struct two *t)
{
	struct accel_vm_config cfg = {.ncpus = 2};
	assert_int_equal(rp->vm_create(&cfg, &t->vm), 0);
	assert_int_equal(rp->vcpu_create(t->vm, 0, &t->a), 0);
	assert_int_equal(rp->vcpu_create(t->vm, 1, &t->b), 0);
}

static void two_free(struct two *t)
{
	rp->vcpu_destroy(t->a);
	rp->vcpu_destroy(t->b);
	rp->vm_destroy(t->vm);
}

/* Distinct values in every field, so a field saved in another's place
 * shows. */
#if defined(__x86_64__)
static void fill(struct accel_regs *r, struct accel_sregs *s)
{
	uint8_t *p = (uint8_t *)r;
	for (size_t i = 0; i < sizeof(*r); i++)
		p[i] = (uint8_t)(i * 7 + 1);
	memset(s, 0, sizeof(*s));
	struct accel_segment *segs[] = {&s->cs, &s->ds, &s->es, &s->fs,
					&s->gs, &s->ss, &s->tr, &s->ldt};
	for (unsigned i = 0; i < 8; i++) {
		*segs[i] = (struct accel_segment){
		    .base = 0x1000ull * (i + 1) + 0xffff000000000000ull,
		    .limit = 0xfff00 + i,
		    .selector = (uint16_t)(8 * i),
		    .type = (uint8_t)(i + 1),
		    .present = 1,
		    .dpl = (uint8_t)(i & 3),
		    .db = (uint8_t)(i & 1),
		    .s = 1,
		    .l = (uint8_t)(~i & 1),
		    .g = 1,
		    .avl = (uint8_t)(i >> 2 & 1),
		    .unusable = (uint8_t)(i == 7)};
	}
	s->gdt = (struct accel_dtable){.base = 0x500, .limit = 0x3f};
	s->idt = (struct accel_dtable){.base = 0x540, .limit = 0xfff};
	s->cr0 = 0x80050033, s->cr2 = 0x1234, s->cr3 = 0x9000;
	s->cr4 = 0x3506b0, s->cr8 = 3, s->efer = 0xd01;
	s->apic_base = 0xfee00900;
}

static void same_sregs(const struct accel_sregs *x, const struct accel_sregs *y)
{
	const struct accel_segment *sx[] = {&x->cs, &x->ds, &x->es, &x->fs,
					    &x->gs, &x->ss, &x->tr, &x->ldt};
	const struct accel_segment *sy[] = {&y->cs, &y->ds, &y->es, &y->fs,
					    &y->gs, &y->ss, &y->tr, &y->ldt};
	for (unsigned i = 0; i < 8; i++) {
		assert_int_equal(sx[i]->base, sy[i]->base);
		assert_int_equal(sx[i]->limit, sy[i]->limit);
		assert_int_equal(sx[i]->selector, sy[i]->selector);
		assert_int_equal(sx[i]->type, sy[i]->type);
		assert_int_equal(sx[i]->present, sy[i]->present);
		assert_int_equal(sx[i]->dpl, sy[i]->dpl);
		assert_int_equal(sx[i]->db, sy[i]->db);
		assert_int_equal(sx[i]->s, sy[i]->s);
		assert_int_equal(sx[i]->l, sy[i]->l);
		assert_int_equal(sx[i]->g, sy[i]->g);
		assert_int_equal(sx[i]->avl, sy[i]->avl);
		assert_int_equal(sx[i]->unusable, sy[i]->unusable);
	}
	assert_int_equal(x->gdt.base, y->gdt.base);
	assert_int_equal(x->gdt.limit, y->gdt.limit);
	assert_int_equal(x->idt.base, y->idt.base);
	assert_int_equal(x->idt.limit, y->idt.limit);
	assert_int_equal(x->cr0, y->cr0);
	assert_int_equal(x->cr2, y->cr2);
	assert_int_equal(x->cr3, y->cr3);
	assert_int_equal(x->cr4, y->cr4);
	assert_int_equal(x->cr8, y->cr8);
	assert_int_equal(x->efer, y->efer);
	assert_int_equal(x->apic_base, y->apic_base);
}
#else
/* aarch64: SP_EL1, ELR_EL1 and the SPSRs, all plain 64-bit fields. */
static void fill(struct accel_regs *r, struct accel_sregs *s)
{
	uint8_t *p = (uint8_t *)r;
	for (size_t i = 0; i < sizeof(*r); i++)
		p[i] = (uint8_t)(i * 7 + 1);
	s->sp_el1 = 0xffff800012345670ull, s->elr_el1 = 0xffff800000081000ull;
	for (unsigned i = 0; i < 5; i++)
		s->spsr[i] = 0x3c5ull + i;
}

static void same_sregs(const struct accel_sregs *x, const struct accel_sregs *y)
{
	assert_int_equal(x->sp_el1, y->sp_el1);
	assert_int_equal(x->elr_el1, y->elr_el1);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(x->spsr[i], y->spsr[i]);
}
#endif

/* Save a's state (VM, then vCPU) into buf; its length. */
static size_t save(struct two *t, uint8_t *buf, size_t cap)
{
	struct st_writer w;
	st_writer_init(&w, buf, cap);
	assert_int_equal(rp->vm_save(t->vm, &w), 0);
	assert_int_equal(rp->vcpu_save(t->a, &w), 0);
	long n = st_writer_end(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct two t;
	two_new(&t);
	struct accel_regs r, r2;
	struct accel_sregs s, s2;
	fill(&r, &s);
	assert_int_equal(rp->set_regs(t.a, &r), 0);
	assert_int_equal(rp->set_sregs(t.a, &s), 0);
	uint8_t buf[1024];
	size_t n = save(&t, buf, sizeof(buf));

	struct st_reader rd;
	st_reader_init(&rd, buf, n);
	assert_int_equal(rp->vm_restore(t.vm, &rd), 0);
	assert_int_equal(rp->vcpu_restore(t.b, &rd), 0);
	assert_int_equal(st_reader_end(&rd), 0);
	assert_int_equal(rp->get_regs(t.b, &r2), 0);
	assert_int_equal(rp->get_sregs(t.b, &s2), 0);
	assert_memory_equal(&r, &r2, sizeof(r));
	same_sregs(&s, &s2);
	two_free(&t);
}

/* A blob that must be refused leaves vCPU b as it was. */
static void refused(struct two *t, const uint8_t *buf, size_t n)
{
	struct accel_regs before, after;
	assert_int_equal(rp->get_regs(t->b, &before), 0);
	struct st_reader rd;
	st_reader_init(&rd, buf, n);
	int r = rp->vm_restore(t->vm, &rd);
	if (!r)
		r = rp->vcpu_restore(t->b, &rd);
	if (!r)
		r = st_reader_end(&rd);
	assert_int_equal(r, -EINVAL);
	assert_int_equal(rp->get_regs(t->b, &after), 0);
	assert_memory_equal(&before, &after, sizeof(before));
}

static void test_malformed(void **state)
{
	(void)state;
	struct two t;
	two_new(&t);
	struct accel_regs r;
	struct accel_sregs s;
	fill(&r, &s);
	assert_int_equal(rp->set_regs(t.a, &r), 0);
	uint8_t buf[1024];
	size_t n = save(&t, buf, sizeof(buf));
	for (size_t cut = 0; cut < n; cut += 7)
		refused(&t, buf, cut);
	refused(&t, buf, n - 1);
	/* The vCPU section's tag, after the VM's empty section. */
	buf[ST_HDR_LEN] ^= 1;
	refused(&t, buf, n);
	buf[ST_HDR_LEN] ^= 1;
	/* A newer version than this build knows. */
	buf[ST_HDR_LEN + ST_TAG_LEN] = 2;
	refused(&t, buf, n);
	buf[ST_HDR_LEN + ST_TAG_LEN] = 1;
	/* A byte too many: the sections are taken, and the caller's
	 * st_reader_end says the blob did not end there. */
	buf[n] = 0;
	struct st_reader rd;
	st_reader_init(&rd, buf, n + 1);
	assert_int_equal(rp->vm_restore(t.vm, &rd), 0);
	assert_int_equal(rp->vcpu_restore(t.b, &rd), 0);
	assert_int_equal(st_reader_end(&rd), -EINVAL);
	two_free(&t);
}

static void test_no_room(void **state)
{
	(void)state;
	struct two t;
	two_new(&t);
	uint8_t buf[64];
	struct st_writer w;
	st_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(rp->vcpu_save(t.a, &w), -ENOSPC);
	two_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_no_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
