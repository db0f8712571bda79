package core_test

import (
	"context"
	"reflect"
	"testing"

	"mizan/core"
)

// planningStore records the read plans the engine gives it.
type planningStore struct {
	core.Store
	plans *[]core.ReadPlan
}

func (p planningStore) PlanReads(_ context.Context, plan core.ReadPlan) {
	*p.plans = append(*p.plans, plan)
}

// TestReadPlan: a store that plans its reads is told, before a sync reads anything, whether the
// orders will all be read: on the first sync, not on the next.
func TestReadPlan(t *testing.T) {
	var plans []core.ReadPlan
	e := newEnvWith(t, func(e *env, p *core.Platform) {
		open := p.Open
		p.Open = func(cfg core.StoreConfig) (core.Store, error) {
			st, err := open(cfg)
			return planningStore{Store: st, plans: &plans}, err
		}
	})
	e.sync()
	e.sync()
	if want := []core.ReadPlan{{AllOrders: true}, {AllOrders: false}}; !reflect.DeepEqual(plans, want) {
		t.Errorf("plans %+v, want %+v", plans, want)
	}
}
