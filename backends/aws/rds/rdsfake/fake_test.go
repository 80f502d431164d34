package rdsfake_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/sluice-dev/sluice/backends/aws/rds/rdsfake"
)

// create makes the instance id, tagged owner=id, through the SDK.
func create(t *testing.T, c *rds.Client, id string) {
	t.Helper()
	_, err := c.CreateDBInstance(context.Background(), &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String(id), DBInstanceClass: aws.String("db.t4g.micro"), Engine: aws.String("postgres"),
		AllocatedStorage: aws.Int32(20), Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String(id)}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// status returns every instance's status by identifier.
func status(s *rdsfake.Server) map[string]string {
	out := map[string]string{}
	for _, db := range s.Instances() {
		out[db.Identifier] = db.Status
	}
	return out
}

// TestSettle: Settle finishes creating, modifying and deleting, leaves
// other states and values pending for the maintenance window alone.
func TestSettle(t *testing.T) {
	ctx := context.Background()
	s := rdsfake.Start(t)
	c := s.Client()
	for _, id := range []string{"a-creating", "b-modifying", "c-deferred", "d-deleting", "e-stopped"} {
		create(t, c, id)
	}
	s.Settle()
	modify := func(id string, now bool) {
		_, err := c.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(id),
			DBInstanceClass: aws.String("db.r6g.large"), ApplyImmediately: aws.Bool(now)})
		if err != nil {
			t.Fatal(err)
		}
	}
	modify("b-modifying", true)
	modify("c-deferred", false)
	if _, err := c.DeleteDBInstance(ctx, &rds.DeleteDBInstanceInput{DBInstanceIdentifier: aws.String("d-deleting"), SkipFinalSnapshot: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if !s.SetStatus("e-stopped", "stopped") {
		t.Fatal("SetStatus found no e-stopped")
	}
	create(t, c, "a-creating2")
	s.Settle()
	want := map[string]string{"a-creating": "available", "a-creating2": "available", "b-modifying": "available",
		"c-deferred": "available", "e-stopped": "stopped"}
	if got := status(s); !maps.Equal(got, want) {
		t.Errorf("after Settle: %v, want %v", got, want)
	}
	for id, class := range map[string]string{"b-modifying": "db.r6g.large", "c-deferred": "db.t4g.micro"} {
		if db, _ := s.Instance(id); db.Class != class {
			t.Errorf("%s: class %s after Settle, want %s", id, db.Class, class)
		}
	}
}

// TestListingPages: the listing of five instances comes in three pages
// and carries each instance's tags given at create.
func TestListingPages(t *testing.T) {
	s := rdsfake.Start(t)
	c := s.Client()
	ids := []string{"e", "d", "c", "b", "a"}
	for _, id := range ids {
		create(t, c, id)
	}
	var got []string
	pages := rds.NewDescribeDBInstancesPaginator(c, &rds.DescribeDBInstancesInput{})
	n := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n++
		for _, db := range page.DBInstances {
			if len(db.TagList) != 1 || aws.ToString(db.TagList[0].Value) != aws.ToString(db.DBInstanceIdentifier) {
				t.Errorf("%s: tags %v, want those given at create", aws.ToString(db.DBInstanceIdentifier), db.TagList)
			}
			got = append(got, aws.ToString(db.DBInstanceIdentifier))
		}
	}
	slices.Sort(ids)
	if n != 3 || !slices.Equal(got, ids) {
		t.Errorf("listed %v in %d pages, want %v in 3", got, n, ids)
	}
}
