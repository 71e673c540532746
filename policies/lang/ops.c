/*
 * What one comparison of a policy means, in one place: the semantic evaluator
 * (simulate, lint's replays) and the importers (which check what a rule they
 * rewrote still says) must never disagree on an operator.
 */
#include "policies/lang/policy.h"

bool vj_op_holds(enum vj_op op, uint64_t v, uint64_t value, uint64_t mask)
{
	switch (op) {
	case VJ_OP_EQ:
		return v == value;
	case VJ_OP_NE:
		return v != value;
	case VJ_OP_LT:
		return v < value;
	case VJ_OP_LE:
		return v <= value;
	case VJ_OP_GT:
		return v > value;
	case VJ_OP_GE:
		return v >= value;
	case VJ_OP_MASKED_EQ:
		return (v & mask) == value;
	}
	return false;
}
